import { isCairnError } from "../errors.js";
import type { PreconditionProbe } from "../backend-reports.js";
import type { StateStore } from "../store.js";
import { classifiedStore } from "../store/classified-store.js";
import { deleteIfPresent } from "./files/objects.js";

/**
 * Checks that a store really honours create-only writes (some S3-compatible stores accept
 * `If-None-Match` and ignore it, so a lock that "works" excludes no one): creates a scratch key
 * twice with `ifNoneMatch: "*"`; the second create must fail with `Conflict`. The key is removed.
 */
export async function probeConditionalWrites(rawStore: StateStore): Promise<PreconditionProbe> {
  const store = classifiedStore(rawStore);
  if (!store.capabilities.conditionalWrite) {
    return { honoured: false, reason: `${store.url} declares no conditional writes, so locks on it cannot be atomic` };
  }
  const key = `.pulumi/.cairn-probe-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const bytes = new TextEncoder().encode("cairn precondition probe; safe to delete\n");
  try {
    await store.put(key, bytes, { ifNoneMatch: "*" });
    try {
      await store.put(key, bytes, { ifNoneMatch: "*" });
    } catch (error) {
      if (isCairnError(error, "Conflict")) return { honoured: true };
      throw error;
    }
    return {
      honoured: false,
      reason: `${store.url} accepted a create-only write (If-None-Match: *) over an object that already existed: it ignores preconditions, so two writers could both take a stack's lock and overwrite each other's state`,
    };
  } finally {
    await deleteIfPresent(store, key).catch(() => {});
  }
}
