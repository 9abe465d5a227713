import { createHash } from "node:crypto";
import { readFile, unlink } from "node:fs/promises";
import { makeDirectory } from "../fs/make-directory.js";
import { dirname, join } from "node:path";
import { CairnError } from "../errors.js";
import { parseJsonOr } from "../json/parse-json.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { withFileLock } from "../fs/file-lock.js";
import { formatGoJson, sortedByGoKeyOrder } from "../credentials/go-json.js";
import { loadProject, type Project } from "./project.js";

/**
 * Which stack is selected in a project, stored where Pulumi keeps it so both CLIs agree:
 * `<home>/workspaces/<project>-<sha1 hex of the project file's path>-workspace.json`, holding
 * `{"stacks": {"<backend URL>": "<stack>"}}` (`pkg/workspace/{workspace,settings}.go`). The older
 * single `"stack"` field is read when a backend has no entry, and clearing removes it too.
 */
interface WorkspaceSettings {
  /** Legacy: one selection for every backend. */
  stack?: string;
  stacks?: Record<string, string>;
  [unknownField: string]: unknown;
}

/** A project file path (its name is read from it) or an already loaded project. */
export type ProjectFileRef = string | Pick<Project, "name" | "file">;

export async function selectedStackFile(home: string, project: ProjectFileRef): Promise<string> {
  const { name, file } = typeof project === "string" ? await loadProject(project) : project;
  const hash = createHash("sha1").update(file).digest("hex");
  return join(home, "workspaces", `${name}-${hash}-workspace.json`);
}

/** The stack selected in the project for `backendUrl`, if any. */
export async function getSelectedStack(home: string, project: ProjectFileRef, backendUrl: string): Promise<string | undefined> {
  const settings = await readSettings(await selectedStackFile(home, project));
  if (settings.stacks !== undefined && Object.hasOwn(settings.stacks, backendUrl)) return settings.stacks[backendUrl] || undefined;
  return settings.stack || undefined;
}

export async function setSelectedStack(home: string, project: ProjectFileRef, backendUrl: string, stack: string): Promise<void> {
  if (stack === "") throw new CairnError("InvalidArgument", "cannot select an empty stack name", { hint: "use clearSelectedStack to unselect" });
  await updateSettings(await selectedStackFile(home, project), (settings) => {
    settings.stacks = { ...settings.stacks, [backendUrl]: stack };
  });
}

/** Unselects the stack for `backendUrl`, and the legacy all-backend selection with it (as Pulumi does). */
export async function clearSelectedStack(home: string, project: ProjectFileRef, backendUrl: string): Promise<void> {
  await updateSettings(await selectedStackFile(home, project), (settings) => {
    if (settings.stacks !== undefined) delete settings.stacks[backendUrl];
    delete settings.stack;
  });
}

async function readSettings(file: string): Promise<WorkspaceSettings> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  const malformed = (why: string, cause?: unknown): never => {
    throw new CairnError("InvalidArgument", `workspace settings file ${file} is malformed: ${why}`, {
      cause,
      hint: "delete it (it only records the selected stack) and run `cairn stack select` again",
    });
  };
  const parsed = parseJsonOr(text, (problem) => malformed(`not valid JSON: ${problem}`));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return malformed("not a JSON object");
  const settings = parsed as WorkspaceSettings;
  if (settings.stack === null) delete settings.stack;
  if (settings.stacks === null) delete settings.stacks;
  if (settings.stack !== undefined && typeof settings.stack !== "string") malformed("`stack` is not a string");
  const stacks: unknown = settings.stacks;
  if (stacks !== undefined && (typeof stacks !== "object" || stacks === null || Array.isArray(stacks) || !Object.values(stacks).every((s) => typeof s === "string"))) {
    malformed("`stacks` must map backend URLs to stack names");
  }
  return settings;
}

/** Locked read-modify-write; an empty selection removes the file, as Pulumi does, instead of littering the home. */
async function updateSettings(file: string, mutate: (settings: WorkspaceSettings) => void): Promise<void> {
  await makeDirectory(dirname(file), 0o700);
  await withFileLock(`${file}.lock`, async () => {
    const settings = await readSettings(file);
    mutate(settings);
    const { stack, stacks, ...unknown } = settings;
    const fields = new Map<string, unknown>();
    if (stack) fields.set("stack", stack);
    if (stacks && Object.keys(stacks).length > 0) fields.set("stacks", sortedByGoKeyOrder(stacks));
    for (const [key, value] of Object.entries(unknown)) fields.set(key, value);
    if (fields.size === 0) {
      await unlink(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      return;
    }
    await writeFileAtomic(file, formatGoJson(fields), { mode: 0o600 });
  });
}
