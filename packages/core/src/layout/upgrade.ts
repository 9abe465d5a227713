import { formatJsonBytes, PULUMI_STATE_FORMAT } from "../checkpoint/json-format.js";
import { isUrn, urnParts } from "../checkpoint/urn.js";
import { CairnError } from "../errors.js";
import { DEFAULT_ORGANIZATION } from "../stack-ref.js";
import { listAll, type StateStore } from "../store.js";
import { compress, compressionOfKey } from "./files/compression.js";
import { PROJECT_META_YAML, readMetaVersion } from "./files/meta.js";
import { baseName, copyObject, deleteIfPresent } from "./files/objects.js";
import { META_KEY, STACKS_DIR, stackPaths, stackRefFromKey, type StackPaths } from "./files/paths.js";
import { readStackFile, type StoredStackFile } from "./files/stack-files.js";
import type { UpgradeOptions, UpgradeReport, UpgradedStack } from "../backend-reports.js";



/**
 * Moves a legacy (meta.yaml version 0) store to the project-scoped layout, as `pulumi state
 * upgrade` does: every stack file, its history and its backups move under its project, and
 * meta.yaml becomes version 1 only once all of them have. A stack's project comes from its
 * resources' URNs (`urn:pulumi:<stack>::<project>::…`) or from `options.projects`; if any stack's
 * project is unknown nothing is changed. Safe to re-run after a crash: copies are made before
 * originals are deleted, and the store stays legacy until the end.
 */
export async function upgradeLayout(store: StateStore, options: UpgradeOptions = {}): Promise<UpgradeReport> {
  if ((await readMetaVersion(store)) === 1) return { alreadyUpgraded: true, stacks: [] };

  const legacy: Array<{ name: string; stored: StoredStackFile; from: StackPaths }> = [];
  for (const object of await listAll(store, `${STACKS_DIR}/`)) {
    const ref = stackRefFromKey("legacy", object.key);
    if (ref === undefined) continue;
    const from = stackPaths("legacy", ref);
    const stored = await readStackFile(store, from);
    if (stored !== undefined && stored.key === object.key) legacy.push({ name: ref.name, stored, from });
  }

  const plan: Array<UpgradedStack & { fromPaths: StackPaths; toPaths: StackPaths; stored: StoredStackFile }> = [];
  const unknown: string[] = [];
  for (const { name, stored, from } of legacy) {
    const project = options.projects?.[name] ?? projectOfState(stored);
    if (project === undefined) {
      unknown.push(name);
      continue;
    }
    const toPaths = stackPaths("project", { organization: DEFAULT_ORGANIZATION, project, name });
    plan.push({ stack: name, project, from: stored.key, to: `${toPaths.stackBase}${stored.key.slice(from.stackBase.length)}`, fromPaths: from, toPaths, stored });
  }
  if (unknown.length > 0) {
    throw new CairnError("InvalidArgument", `cannot tell the project of stack(s) ${unknown.join(", ")}: they have no resources`, {
      hint: `name them: ${unknown.map((name) => `--project ${name}=<project>`).join(" ")} (nothing was changed)`,
    });
  }
  for (const item of plan) {
    const locks = await listAll(store, `${item.fromPaths.lockDir}/`);
    if (locks.length > 0) {
      throw new CairnError("Locked", `stack ${item.stack} is locked (${locks[0]?.key}); nothing was changed`, {
        hint: "wait for the operation to finish, or remove a stale lock with `cairn stack unlock --force`",
      });
    }
  }
  const report = plan.map(({ stack, project, from, to }) => ({ stack, project, from, to }));
  if (options.dryRun) return { alreadyUpgraded: false, stacks: report };

  for (const item of plan) {
    const renamed = { ...item.stored.file, checkpoint: { ...item.stored.file.checkpoint, stack: item.toPaths.qualifiedName } };
    await store.put(item.to, await compress(formatJsonBytes(renamed, PULUMI_STATE_FORMAT), compressionOfKey(item.to)));
    for (const [fromDir, toDir] of [
      [item.fromPaths.historyDir, item.toPaths.historyDir],
      [item.fromPaths.backupDir, item.toPaths.backupDir],
    ] as const) {
      for (const key of await directChildren(store, fromDir)) {
        await copyObject(store, key, `${toDir}/${baseName(key)}`);
        await deleteIfPresent(store, key);
      }
    }
    await copyObject(store, `${item.from}.bak`, `${item.to}.bak`);
    await deleteIfPresent(store, `${item.from}.bak`);
    await deleteIfPresent(store, item.from);
  }
  await store.put(META_KEY, new TextEncoder().encode(PROJECT_META_YAML));
  return { alreadyUpgraded: false, stacks: report };
}

/** The project named by the URNs in a stack's state, if it has any resources. */
function projectOfState(stored: StoredStackFile): string | undefined {
  for (const resource of stored.file.checkpoint.latest?.resources ?? []) {
    const project = isUrn(resource.urn) ? urnParts(resource.urn)!.project : "";
    if (project !== "") return project;
  }
  return undefined;
}

/** Keys directly in `dir` — not in sub-directories, which in a legacy store may be another stack's project directory. */
async function directChildren(store: StateStore, dir: string): Promise<string[]> {
  const prefix = `${dir}/`;
  return (await listAll(store, prefix)).map((object) => object.key).filter((key) => !key.slice(prefix.length).includes("/"));
}
