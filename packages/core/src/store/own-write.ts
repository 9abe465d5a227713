import { isCairnError } from "../errors.js";
import type { StateStore } from "../store.js";

/**
 * After an ambiguous failure, is the precondition failure `error` our own earlier try?
 *
 * A retried conditional write whose first try landed (only its answer was lost) fails its own
 * precondition: a create-only put finds the object it created, a compare-and-swap finds the
 * version it wrote. `withRetry` marks that `Conflict` ambiguous. The rule, once for every store:
 * read the key back; if it holds exactly our bytes and the caller vouched that those bytes
 * identify this write (`PutOptions.bytesIdentifyWrite`), the write landed — return the stored
 * version. Anything else stands as the `Conflict` it is:
 *
 * - a concurrent writer that wrote different bytes: the bytes differ, so `Conflict`;
 * - our write landed and someone replaced it since (a lock taken over): the bytes differ — the
 *   key is theirs now, and `Conflict` is the truth the caller must act on;
 * - two writers writing identical bytes outside a lock (a counter race: both read 4, both write
 *   5): equal bytes prove nothing there, so such callers never set the flag, their `Conflict`
 *   stands, and their re-read-and-retry loop counts again — no update is lost;
 * - a plain (not ambiguous) `Conflict`: no try of ours can have landed; never read back.
 *
 * Returns the stored version when the write is ours, otherwise undefined (the caller rethrows).
 */
export async function ownPutLanded(store: Pick<StateStore, "get">, key: string, bytes: Uint8Array, error: unknown): Promise<string | undefined> {
  if (!isCairnError(error, "Conflict") || !error.ambiguous) return undefined;
  const found = await store.get(key);
  return found !== undefined && sameBytes(found.bytes, bytes) ? found.version : undefined;
}

/**
 * The same for a conditional delete by a sole writer (`DeleteOptions.soleWriter`): the key is gone
 * and nobody else may remove it, so our earlier try removed it.
 */
export async function ownDeleteLanded(store: Pick<StateStore, "get">, key: string, error: unknown): Promise<boolean> {
  if (!isCairnError(error, "Conflict") || !error.ambiguous) return false;
  return (await store.get(key)) === undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
