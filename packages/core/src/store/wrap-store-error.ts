import { CairnError, isAmbiguous, isCairnError, type ErrorCode } from "../errors.js";
import { transportMismatchError } from "../http/transport-errors.js";

/** Wraps anything thrown by a store with the operation and key, keeping a CairnError's code. */
export function wrapStoreError(
  error: unknown,
  classify: (error: unknown) => ErrorCode,
  operation: string,
  key: string,
  hint?: string,
): CairnError {
  // A scheme that does not match the endpoint (https to a plain-HTTP port) gets its fix, whatever
  // the driver made of OpenSSL's "wrong version number".
  const mismatch = transportMismatchError(error, `${operation} ${key}`);
  if (mismatch !== undefined) return mismatch;
  if (isCairnError(error)) return error;
  const code = classify(error);
  const detail = error instanceof Error ? error.message : String(error);
  // An SDK's abort of a write in flight: the request may have reached the store (see `StateStore.put`).
  const abortedWrite = code === "Canceled" && (operation === "put" || operation === "delete");
  return new CairnError(code, `${operation} ${key}: ${detail}`, {
    cause: error,
    ...(isAmbiguous(error) || abortedWrite ? { ambiguous: true } : {}),
    ...(hint === undefined ? {} : { hint }),
  });
}
