import { formatJson } from "../checkpoint/json-format.js";
import { parseVersionedCheckpoint } from "../checkpoint/versioned-checkpoint.js";
import type { Checkpoint, VersionedCheckpoint } from "../checkpoint/types.js";
import { listAll, type StateStore } from "../store.js";
import { compress, compressionSuffix, decompress } from "./compression.js";
import { copyObject, deleteIfPresent } from "./objects.js";
import { STACK_FILE_SUFFIXES, type StackPaths } from "./paths.js";
import type { LayoutSettings } from "./settings.js";
import { unixNanos } from "./unix-nanos.js";

export interface StoredStackFile {
  key: string;
  /** The bytes as stored (possibly compressed). */
  bytes: Uint8Array;
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

export async function readStackFile(store: StateStore, paths: StackPaths): Promise<StoredStackFile | undefined> {
  const key = await findStackFileKey(store, paths);
  if (key === undefined) return undefined;
  const found = await store.get(key);
  if (found === undefined) return undefined;
  const file = parseVersionedCheckpoint(decompress(found.bytes, key), key);
  return { key, bytes: found.bytes, file };
}

/**
 * Writes a stack file as Pulumi's `saveCheckpoint` does: the previous file is copied to
 * `<file>.bak` first, the new one replaces it in a single put (atomic on every store), a file in
 * the previous compression format is removed once the new one exists, and with
 * `PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS` a `<file>.<unix nanos>` copy is kept as well.
 */
export async function writeStackFile(
  store: StateStore,
  paths: StackPaths,
  file: VersionedCheckpoint,
  settings: LayoutSettings,
  previousKey: string | undefined,
): Promise<{ key: string; bytes: Uint8Array }> {
  const bytes = compress(new TextEncoder().encode(formatJson(file)), settings.compression);
  const key = `${paths.stackBase}.json${compressionSuffix(settings.compression)}`;
  if (previousKey !== undefined) await copyObject(store, previousKey, `${previousKey}.bak`);
  await store.put(key, bytes);
  if (previousKey !== undefined && previousKey !== key) await deleteIfPresent(store, previousKey);
  if (settings.retainCheckpoints) await store.put(`${key}.${unixNanos()}`, bytes);
  return { key, bytes };
}

/**
 * Removes a stack file the way Pulumi does without `--remove-backups`: moved to `<file>.bak`, so
 * an accidental `stack rm` can be undone by hand.
 */
export async function retireStackFile(store: StateStore, key: string): Promise<void> {
  await copyObject(store, key, `${key}.bak`);
  await deleteIfPresent(store, key);
}
