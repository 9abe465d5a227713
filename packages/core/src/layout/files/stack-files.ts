import { formatJsonBytes, PULUMI_STATE_FORMAT } from "../../checkpoint/json-format.js";
import { parseVersionedCheckpoint } from "../../checkpoint/versioned-checkpoint.js";
import type { Checkpoint, VersionedCheckpoint } from "../../checkpoint/types.js";
import { CairnError, isCairnError } from "../../errors.js";
import { listAll, type PutOptions, type StateStore } from "../../store.js";
import { brokenStackError } from "./broken-stack.js";
import { compress, compressionSuffix, decompress } from "./compression.js";
import type { StackFileVersion } from "../locks/held-lock.js";
import { copyObject } from "./objects.js";
import { STACK_FILE_SUFFIXES, type StackPaths } from "./paths.js";
import type { LayoutSettings } from "../settings.js";
import { unixNanos } from "./unix-nanos.js";

export interface StoredStackFile {
  key: string;
  /** The bytes as stored (possibly compressed). */
  bytes: Uint8Array;
  /** The store's version of those bytes: the precondition of the next write. */
  version: string;
  /** Parsed and brought up to version 3/4. */
  file: VersionedCheckpoint & { checkpoint: Checkpoint };
}

/**
 * The key of a stack's file, whichever of `.json`, `.json.gz`, `.json.zst` exists. If several do
 * (a crash while switching compression), the most recently modified wins, as in Pulumi's
 * `stackPath`.
 */
export async function findStackFileKey(store: StateStore, paths: StackPaths): Promise<string | undefined> {
  const candidates = STACK_FILE_SUFFIXES.map((suffix) => paths.stackBase + suffix);
  // One prefix listing finds all three variants (and the .bak/retained copies, ignored here).
  const listed = await listAll(store, `${paths.stackBase}.json`);
  const found = listed.filter((object) => candidates.includes(object.key));
  found.sort((a, b) => (b.modified?.getTime() ?? 0) - (a.modified?.getTime() ?? 0));
  return found[0]?.key;
}

/**
 * Reads a stack file. `hint` is the key the caller expects (the one it last saw, or the name its
 * compression setting gives): it is tried with a single get, and only when nothing is there does
 * the prefix listing look for the other suffixes. If Pulumi left two variants (a crash while it
 * switched compression) a hinted read sees the hinted one; the next write removes the other.
 */
export async function readStackFile(store: StateStore, paths: StackPaths, hint?: string): Promise<StoredStackFile | undefined> {
  if (hint !== undefined) {
    const found = await store.get(hint);
    if (found !== undefined) return parseStoredStack(store, paths.qualifiedName, hint, found);
  }
  const key = await findStackFileKey(store, paths);
  if (key === undefined || key === hint) return undefined;
  const found = await store.get(key);
  return found === undefined ? undefined : parseStoredStack(store, paths.qualifiedName, key, found);
}

/**
 * `parseStored` for a file read as a stack's current state: one that does not parse is reported
 * as a `BrokenStackError` (naming the file, the fault and the way out) instead of a bare parse error.
 */
export async function parseStoredStack(store: StateStore, stack: string, key: string, found: { bytes: Uint8Array; version: string }): Promise<StoredStackFile> {
  try {
    return await parseStored(key, found);
  } catch (error) {
    throw await brokenStackError(store, stack, { key, version: found.version, bytes: found.bytes }, error, parseStored);
  }
}

/** A stack file from bytes already fetched (e.g. by a listing-driven read). */
export async function parseStored(key: string, found: { bytes: Uint8Array; version: string }): Promise<StoredStackFile> {
  const file = parseVersionedCheckpoint(await decompress(found.bytes, key), key);
  return { key, bytes: found.bytes, version: found.version, file };
}

/** The stack file's key under the given compression. */
export function stackFileKey(paths: StackPaths, settings: LayoutSettings): string {
  return `${paths.stackBase}.json${compressionSuffix(settings.compression)}`;
}

/** What a writer knows of the file it replaces: its version and, when it has them, its bytes (for `.bak`). */
export type PreviousStackFile = StackFileVersion & { bytes?: Uint8Array };

export interface WriteStackFileOptions {
  /** Copy the previous file to `<file>.bak` first (Pulumi does on every save). Default true. */
  backup?: boolean;
  /**
   * The writer holds the stack's lock (renewed right before this write). Then no one else may
   * write the stack file meanwhile, so after a lost answer a stack file holding exactly these
   * bytes is this write, and the fenced put reports it written (`PutOptions.bytesIdentifyWrite`).
   * Even a holder whose lease ran out and was taken over loses nothing that way: the bytes stored
   * are the ones it meant to write, and the taker's own writes are fenced on what it reads. Never
   * set without the lock: two writers may write identical bytes (two `stack init`s of an empty
   * stack), and the one whose create did not land must hear `Conflict`.
   */
  underLock?: boolean;
  /**
   * Record the write in the stack index (the backend's concern, not this file's). Default: as
   * `backup` — a write without `.bak` is a mid-update compaction, which is not indexed.
   */
  index?: boolean;
}

/**
 * Writes a stack file as Pulumi's `saveCheckpoint` does: the previous file is copied to
 * `<file>.bak` first, the new one replaces it in a single put (atomic on every store), a file in
 * the previous compression format is removed once the new one exists, and with
 * `PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS` a `<file>.<unix nanos>` copy is kept as well.
 *
 * The put is fenced: it succeeds only if the stack file is still `previous`, the version the
 * writer last read or wrote (`null`: the stack had no file, so this is a create). A writer whose
 * view is stale — its lock was taken over and someone saved since — gets `Conflict` and the newer
 * state stays as it is.
 */
export async function writeStackFile(
  store: StateStore,
  paths: StackPaths,
  file: VersionedCheckpoint,
  settings: LayoutSettings,
  previous: PreviousStackFile | null,
  options: WriteStackFileOptions = {},
): Promise<StackFileVersion & { bytes: Uint8Array }> {
  const bytes = await compress(formatJsonBytes(file, PULUMI_STATE_FORMAT), settings.compression);
  const key = stackFileKey(paths, settings);
  const precondition = await preconditionFor(store, key, previous);
  if (previous !== null && options.backup !== false) {
    // The writer read the previous bytes to fence on them: no second read just to copy them.
    if (previous.bytes !== undefined) await store.put(`${previous.key}.bak`, previous.bytes);
    else await copyObject(store, previous.key, `${previous.key}.bak`);
  }
  let version: string;
  try {
    version = await store.put(key, bytes, { ...precondition, ...(options.underLock ? { bytesIdentifyWrite: true } : {}) });
  } catch (error) {
    if (!isCairnError(error, "Conflict")) throw error;
    throw staleWriter(paths, error);
  }
  if (previous !== null && previous.key !== key) await deleteVersion(store, previous);
  if (settings.retainCheckpoints) await store.put(`${key}.${unixNanos()}`, bytes);
  return { key, version, bytes };
}

/**
 * Deletes the stack file only if it is still `expected` (fenced like a write). Callers hold the
 * stack's lock, so nobody else removes the file meanwhile: gone after a lost answer is our delete.
 */
export async function deleteStackFile(store: StateStore, paths: StackPaths, expected: StackFileVersion): Promise<void> {
  try {
    await store.delete(expected.key, store.capabilities.conditionalWrite ? { ifMatch: expected.version, soleWriter: true } : {});
  } catch (error) {
    if (isCairnError(error, "NotFound")) return;
    if (isCairnError(error, "Conflict")) throw staleWriter(paths, error);
    throw error;
  }
}

async function preconditionFor(store: StateStore, key: string, previous: StackFileVersion | null): Promise<PutOptions> {
  if (!store.capabilities.conditionalWrite) return {};
  if (previous !== null && previous.key === key) return { ifMatch: previous.version };
  if (previous === null) return { ifNoneMatch: "*" };
  // Switching compression: the new key should not exist, but a crash mid-switch may have left one.
  const existing = await store.get(key);
  return existing === undefined ? { ifNoneMatch: "*" } : { ifMatch: existing.version };
}

async function deleteVersion(store: StateStore, target: StackFileVersion): Promise<void> {
  try {
    await store.delete(target.key, store.capabilities.conditionalWrite ? { ifMatch: target.version } : {});
  } catch (error) {
    if (!isCairnError(error, "Conflict") && !isCairnError(error, "NotFound")) throw error;
  }
}

function staleWriter(paths: StackPaths, cause: unknown): CairnError {
  return new CairnError("Conflict", `stack ${paths.qualifiedName} was changed by another writer since this one read it; nothing was written`, {
    cause,
    hint: "another process saved the stack (its lock may have been taken over after this one's lease ran out); re-run the operation so it starts from the current state",
  });
}

/**
 * Removes a stack file the way Pulumi does without `--remove-backups`: moved to `<file>.bak`, so
 * an accidental `stack rm` can be undone by hand. The delete is fenced like a write.
 */
export async function retireStackFile(store: StateStore, paths: StackPaths, stored: PreviousStackFile): Promise<void> {
  if (stored.bytes !== undefined) await store.put(`${stored.key}.bak`, stored.bytes);
  else await copyObject(store, stored.key, `${stored.key}.bak`);
  await deleteStackFile(store, paths, stored);
}
