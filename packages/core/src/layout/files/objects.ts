import { isCairnError } from "../../errors.js";
import { listAll, type StateStore } from "../../store.js";

/** Store helpers the layout needs beyond the SPI. A store has no native copy, so copy = get + put. */

/** Copies `from` to `to`; returns false when `from` does not exist. */
export async function copyObject(store: StateStore, from: string, to: string): Promise<boolean> {
  const found = await store.get(from);
  if (found === undefined) return false;
  await store.put(to, found.bytes);
  return true;
}

/** Deletes every key under `dir` (a directory: the trailing `/` is added). */
export async function removeAllUnder(store: StateStore, dir: string): Promise<void> {
  for (const object of await listAll(store, `${dir}/`)) await deleteIfPresent(store, object.key);
}

/** Deletes a key, treating "already gone" as success whichever way the store reports it. */
export async function deleteIfPresent(store: StateStore, key: string): Promise<void> {
  try {
    await store.delete(key);
  } catch (error) {
    if (!isCairnError(error, "NotFound")) throw error;
  }
}

/** The last `/`-separated segment of a key. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}
