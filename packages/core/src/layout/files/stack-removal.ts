import type { RemoveStackOptions } from "../../backend.js";
import { CairnError } from "../../errors.js";
import type { StackRef } from "../../stack-ref.js";
import { listAll, type StateStore } from "../../store.js";
import { historyRecord, unixSeconds, type HistoryFileRecord } from "../history/history.js";
import type { HeldLock } from "../locks/held-lock.js";
import { deleteIfPresent, removeAllUnder } from "./objects.js";
import { BrokenStackError, isBrokenStackError } from "./broken-stack.js";
import { withJournalMark } from "../journal/journal.js";
import { STACK_FILE_SUFFIXES, type StackPaths } from "./paths.js";
import type { StackFiles } from "./stack-file-cache.js";
import { deleteStackFile, parseStored, retireStackFile, type StoredStackFile } from "./stack-files.js";
import { deleteStackTags } from "./stack-tags.js";

/** Pulumi's type for the root resource of every stack: a stack holding only it counts as empty. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** What removal and restore work with: the store, the stack files, and the backend's update recorder. */
export interface StackRemovalHost {
  readonly store: StateStore;
  readonly files: StackFiles;
  /** History (unless the store keeps its own) and backup for a stack file just written. */
  recordUpdate(paths: StackPaths, stackName: string, written: { key: string; bytes: Uint8Array }, record: HistoryFileRecord): Promise<void>;
}

/**
 * `stack rm`, under the stack's lock: like Pulumi, a stack still managing resources is refused
 * without `force`; a broken stack file (whose resources cannot be counted) only with `force`. The
 * stack file is retired to `.bak` (restorable) unless `removeBackups`, which deletes it with its
 * backups. Tags, history, journals and the index entry go with it.
 */
export async function removeStackUnder(host: StackRemovalHost, lock: HeldLock, paths: StackPaths, ref: StackRef, options: RemoveStackOptions): Promise<void> {
  const found = await host.files.require(paths).catch((error: unknown) => {
    if (isBrokenStackError(error) && options.force) return error;
    if (isBrokenStackError(error)) {
      throw new CairnError("InvalidArgument", `refusing to remove stack ${paths.qualifiedName}: ${error.broken.reason}, so the resources it manages are unknown`, {
        hint: `${error.broken.backup === undefined ? "" : `restore it first with \`cairn stack restore --from-backup --stack ${paths.qualifiedName}\`, or `}remove it anyway with --force (its resources are then no longer managed)`,
      });
    }
    throw error;
  });
  await lock.confirm();
  const { store } = host;
  if (found instanceof BrokenStackError) {
    // The broken bytes are not copied over `.bak`: that holds the last good state, kept unless --remove-backups.
    await deleteStackFile(store, paths, found.stored);
    if (options.removeBackups) {
      await deleteIfPresent(store, `${found.stored.key}.bak`);
      await removeAllUnder(store, paths.backupDir);
    }
    await forgetStack(host, paths, ref);
    return;
  }
  const resources = found.file.checkpoint.latest?.resources ?? [];
  const onlyRootStack = resources.length === 1 && resources[0]?.type === ROOT_STACK_TYPE;
  if (!options.force && resources.length > 0 && !onlyRootStack) {
    throw new CairnError("InvalidArgument", `refusing to remove stack ${paths.qualifiedName} because it still contains ${resources.length} resources`, {
      hint: "destroy the stack's resources first, or remove it anyway with --force (the resources are then no longer managed)",
    });
  }
  if (options.removeBackups) {
    // Gone for good, with its `.bak` copy and backups (Pulumi's `--remove-backups`).
    await deleteStackFile(store, paths, found);
    await deleteIfPresent(store, `${found.key}.bak`);
    await removeAllUnder(store, paths.backupDir);
  } else {
    await retireStackFile(store, paths, found);
  }
  await forgetStack(host, paths, ref);
}

/** What goes with a removed stack file: tags, history, journals, the index entry. */
async function forgetStack(host: StackRemovalHost, paths: StackPaths, ref: StackRef): Promise<void> {
  await deleteStackTags(host.store, paths);
  await removeAllUnder(host.store, paths.historyDir);
  await removeAllUnder(host.store, paths.journalDir);
  await host.files.forget(paths, ref.name);
}

/**
 * `stack restore --from-backup`, under the stack's lock: the `.bak` of a broken or removed stack
 * file becomes the stack file again (an intact stack is refused), recorded as an import naming the
 * backup. Returns the backup's key.
 */
export async function restoreStackUnder(host: StackRemovalHost, lock: HeldLock, paths: StackPaths, ref: StackRef): Promise<{ backup: string }> {
  const current = await host.files.read(paths).catch((error: unknown) => {
    if (isBrokenStackError(error)) return error;
    throw error;
  });
  if (current !== undefined && !(current instanceof BrokenStackError)) {
    throw new CairnError("InvalidArgument", `stack ${paths.qualifiedName} is intact (${current.key}); there is nothing to restore`, {
      hint: "to go back to an earlier state, export it with `cairn stack export --version N` (see `cairn stack history`) and `cairn stack import` it",
    });
  }
  const backupKey = current?.stored.key === undefined ? await findRemovedStackBackup(host.store, paths) : `${current.stored.key}.bak`;
  const found = backupKey === undefined ? undefined : await host.store.get(backupKey);
  if (backupKey === undefined || found === undefined) {
    throw new CairnError("NotFound", `stack ${paths.qualifiedName} has no backup copy (${paths.stackBase}.json.bak) to restore`, {
      hint: current === undefined ? "check the name with `cairn stack ls`" : current.broken.hint.replace(/^restore[^;]*; /, ""),
    });
  }
  let backup: StoredStackFile;
  try {
    backup = await parseStored(backupKey.slice(0, -".bak".length), found);
  } catch (error) {
    throw new CairnError("InvalidArgument", `the backup ${backupKey} of stack ${paths.qualifiedName} cannot be read either: ${(error as Error).message}`, {
      cause: error,
      hint: `replace the stack with an export you trust: \`cairn stack import --force --stack ${paths.qualifiedName} --file <export.json>\``,
    });
  }
  const file = withJournalMark(backup.file, undefined);
  const previous = current === undefined ? null : { key: current.stored.key, version: current.stored.version };
  // No `.bak` of the broken bytes: the backup being restored stays where it is.
  const written = await host.files.write(lock, paths, { ...file, checkpoint: { ...file.checkpoint, stack: paths.qualifiedName } }, previous, { backup: false, index: true });
  await host.recordUpdate(paths, ref.name, written, historyRecord({ kind: "import", startTime: unixSeconds(), message: `restored from ${backupKey}` }));
  return { backup: backupKey };
}

/** The `.bak` of a stack with no stack file (removed by `stack rm`), newest first among the suffixes. */
async function findRemovedStackBackup(store: StateStore, paths: StackPaths): Promise<string | undefined> {
  const candidates = new Set(STACK_FILE_SUFFIXES.map((suffix) => `${paths.stackBase}${suffix}.bak`));
  const listed = (await listAll(store, `${paths.stackBase}.json`)).filter((object) => candidates.has(object.key));
  listed.sort((a, b) => (b.modified?.getTime() ?? 0) - (a.modified?.getTime() ?? 0));
  return listed[0]?.key;
}
