import { CairnError, isCairnError } from "../errors.js";
import { requestNeverSent } from "../http/never-sent.js";
import type { Clock } from "./clock.js";

/**
 * Cancellation through an `AbortSignal`, for every wait in core (retry backoff, the file lock's
 * wait) and for drivers: a canceled call fails with a `Canceled` CairnError. Such an error is not
 * ambiguous by itself — nothing was sent while waiting; a driver whose in-flight write was aborted
 * marks its own error ambiguous (see `StateStore.put`).
 */
export function canceledError(signal: AbortSignal, what = "operation"): CairnError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error && reason.name !== "AbortError" ? `: ${reason.message}` : "";
  return new CairnError("Canceled", `${what} canceled${detail}`, { cause: reason, hint: "nothing more was attempted after the cancellation; run it again to finish it" });
}

/**
 * What a try that failed once `signal` had fired reports: `Canceled`, whatever the SDK made of the
 * abort (an AbortError, a destroyed socket read as a reset, a body cut short), with the try's own
 * error as `cause`. A `write` (a put, a delete) aborted in flight may have reached the store, so
 * its `Canceled` is ambiguous unless the connection was never made (`requestNeverSent`); an ambiguous
 * `Canceled` it failed with (an inner retry loop's aborted write) stays ambiguous.
 * `withRetry` applies it to every try, so a driver that retries through it needs nothing more.
 */
export function canceledTry(signal: AbortSignal, failure: unknown, options: { what?: string; write?: boolean } = {}): CairnError {
  // An inner retry loop's own verdict on its aborted write stands; a mapped SDK error's default ambiguity says nothing here.
  if (isCairnError(failure, "Canceled") && failure.ambiguous) return failure;
  const ambiguous = options.write === true && !requestNeverSent(failure);
  if (isCairnError(failure, "Canceled") && !ambiguous) return failure;
  const canceled = canceledError(signal, options.what);
  return new CairnError("Canceled", canceled.message, { cause: failure, ambiguous, ...(canceled.hint === undefined ? {} : { hint: canceled.hint }) });
}

/** Throws `Canceled` when `signal` has already fired; call it before starting something that waits. */
export function throwIfCanceled(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw canceledError(signal, what);
}

/**
 * `clock.sleep(ms)` that ends early with `Canceled` when `signal` fires, whatever the clock: a
 * waiter on a clock that never moves is still released by the abort (which is how tests prove a
 * wait is canceled promptly, without waiting in real time).
 */
export function pause(clock: Clock, ms: number, signal: AbortSignal | undefined, what?: string): Promise<void> {
  if (signal === undefined) return clock.sleep(ms);
  if (signal.aborted) return Promise.reject(canceledError(signal, what));
  return orCanceled(clock.sleep(ms, signal), signal, what);
}

/**
 * `promise`, or `Canceled` as soon as `signal` fires first: for a wait the caller cannot abort at
 * its source (a request other callers share, a queue of other calls ahead of it). What was waited
 * for goes on; only this caller stops waiting.
 */
export function orCanceled<T>(promise: Promise<T>, signal: AbortSignal | undefined, what?: string): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(canceledError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(canceledError(signal, what));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
