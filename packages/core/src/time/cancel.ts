import { CairnError } from "../errors.js";
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
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(canceledError(signal, what));
    signal.addEventListener("abort", onAbort, { once: true });
    clock.sleep(ms, signal).then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
