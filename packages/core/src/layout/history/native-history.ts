import type { UpdateRecord } from "../../backend.js";
import type { StateStore } from "../../store.js";
import type { StackPaths } from "../files/paths.js";
import { readStackFile } from "../files/stack-files.js";
import { decompress } from "../files/compression.js";

/**
 * A stack's history from a store that keeps its own (`capabilities.nativeHistory`, e.g. git):
 * each write of the stack file is one update, newest first. The store's log does not know the
 * update kind, so every record is an `update`; `version` counts the returned writes, oldest = 1.
 * A store claiming native history without a `history` method has none to show.
 */
export async function readNativeHistory(store: StateStore, paths: StackPaths, limit?: number): Promise<UpdateRecord[]> {
  if (store.history === undefined) return [];
  const stored = await readStackFile(store, paths);
  if (stored === undefined) return [];
  // All of them, then the newest `limit`: versions count from the oldest, which a limited walk
  // of the log never reaches (numbering a limited list made the newest entry "version 1").
  const entries = await store.history(stored.key);
  return entries.slice(0, limit ?? entries.length).map((entry, index) => {
    const seconds = Math.floor(entry.time.getTime() / 1000);
    return {
      kind: "update",
      startTime: seconds,
      endTime: seconds,
      result: "succeeded",
      version: entries.length - index,
      message: entry.message,
      ...(entry.author === undefined ? {} : { author: entry.author }),
      ...(entry.commit === undefined ? {} : { commit: entry.commit }),
    };
  });
}

/**
 * The stack file as it stood after native history entry `version` (1 = oldest, as
 * `readNativeHistory` numbers them), read through the store's `readVersion`. Undefined when the
 * store cannot read past versions or there is no such entry.
 */
export async function readNativeCheckpoint(store: StateStore, paths: StackPaths, version: number): Promise<Uint8Array | undefined> {
  if (store.history === undefined || store.readVersion === undefined) return undefined;
  const stored = await readStackFile(store, paths);
  if (stored === undefined) return undefined;
  const entries = await store.history(stored.key);
  const entry = version >= 1 ? entries[entries.length - version] : undefined;
  if (entry === undefined) return undefined;
  const bytes = await store.readVersion(stored.key, entry.version);
  return bytes === undefined ? undefined : decompress(bytes, stored.key);
}
