import { readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { CairnError } from "../errors.js";

/**
 * The parts of a Pulumi project file cairn uses. Besides Pulumi's own `name` and `backend.url`,
 * cairn reads one key of its own (Pulumi's project schema allows extra top-level keys):
 *
 * ```yaml
 * cairn:
 *   backends:
 *     acme: "@acme/cairn-backend"   # scheme → npm package providing its backend plugin
 * ```
 */
export interface Project {
  name: string;
  /** Absolute path of the project file (Pulumi.yaml); the selected-stack file is keyed by it. */
  file: string;
  /** The directory holding the project file. */
  directory: string;
  /** `backend.url` from the project file. */
  backendUrl?: string;
  /** `cairn.backends`: packages that provide backend plugins for URL schemes. */
  backendPackages?: Record<string, string>;
  /** `stackConfigDir`: where `Pulumi.<stack>.yaml` files live, relative to the project directory. */
  stackConfigDir?: string;
}

/** Pulumi's project file names, in the order Pulumi tries them in each directory. */
export const PROJECT_FILE_NAMES = ["Pulumi.json", "Pulumi.yaml", "Pulumi.yml"] as const;

/** Finds the project file in `cwd` or the nearest directory above it, and loads it. */
export async function findProject(cwd: string): Promise<Project | undefined> {
  for (let directory = resolve(cwd); ; directory = dirname(directory)) {
    for (const name of PROJECT_FILE_NAMES) {
      const file = join(directory, name);
      if (await isFile(file)) return loadProject(file);
    }
    if (dirname(directory) === directory) return undefined;
  }
}

/** Loads a project file; a file that is not valid YAML or lacks a name is an InvalidArgument error naming it. */
export async function loadProject(projectFile: string): Promise<Project> {
  const file = resolve(projectFile);
  const fail = (what: string, cause?: unknown): never => {
    throw new CairnError("InvalidArgument", `project file ${file} is malformed: ${what}`, {
      cause,
      hint: "fix the file (it is the Pulumi project file; `name` is required)",
    });
  };
  let document: unknown;
  try {
    // Loaded on first use: most of core's start-up cost, needed only when a project file is read.
    const { parse: parseYaml } = await import("../lazy-yaml.js");
    document = parseYaml(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new CairnError("NotFound", `project file ${file} does not exist`, { cause: error });
    }
    return fail((error as Error).message, error);
  }
  if (!isRecord(document)) return fail("it is not a YAML mapping");
  const { name, backend, cairn, stackConfigDir } = document;
  if (typeof name !== "string" || name === "") return fail("`name` is missing or not a string");

  const project: Project = { name, file, directory: dirname(file) };
  if (stackConfigDir !== undefined && stackConfigDir !== null) {
    if (typeof stackConfigDir !== "string") return fail("`stackConfigDir` is not a string");
    if (stackConfigDir !== "") project.stackConfigDir = stackConfigDir;
  }
  if (backend !== undefined && backend !== null) {
    if (!isRecord(backend)) return fail("`backend` is not a mapping");
    if (backend.url !== undefined && backend.url !== null) {
      if (typeof backend.url !== "string") return fail("`backend.url` is not a string");
      if (backend.url !== "") project.backendUrl = backend.url;
    }
  }
  if (cairn !== undefined && cairn !== null) {
    if (!isRecord(cairn)) return fail("`cairn` is not a mapping");
    if (cairn.backends !== undefined && cairn.backends !== null) {
      const packages = cairn.backends;
      if (!isRecord(packages) || !Object.values(packages).every((value) => typeof value === "string" && value !== "")) {
        return fail("`cairn.backends` must map URL schemes to package names");
      }
      project.backendPackages = packages as Record<string, string>;
    }
  }
  return project;
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && !info.isDirectory();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
