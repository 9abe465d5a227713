import { isAmbiguous, isCairnError, markAmbiguous } from "./errors.js";
import { canceledError, canceledTry, pause } from "./time/cancel.js";
import { systemClock, type Clock } from "./time/clock.js";

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts?: number;
  /** First delay (ms); doubles each retry, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Whether `error` is worth another try. Default: a CairnError marked `retryable`. */
  isRetryable?: (error: unknown) => boolean;
  /**
   * Whether running `operation` twice is the same as running it once. Default true: store calls
   * are (a plain put or delete repeats itself; a conditional one fails its own precondition, which
   * the error's `ambiguous` flag lets the caller recognise). `false` (a POST that creates): a
   * failure after which the operation may have taken effect (`ambiguous`) is never retried — the
   * caller must look the outcome up — and only clean failures (refused, throttled) are.
   */
  idempotent?: boolean;
  /**
   * Turns each try's failure into the error the driver reports (its SDK's error as a CairnError
   * with the operation, key and hint) before anything else reads it: `isRetryable`, the ambiguity
   * carried over, and the error finally thrown all see the mapped error.
   */
  mapError?: (error: unknown) => unknown;
  /** Called before each wait, e.g. to log "retrying after 503". */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Ends the retrying with a `Canceled` CairnError: no try starts once it has fired, and a backoff
   * wait under way ends at once (ambiguous if an earlier try was). Pass the same signal to the
   * operation itself to abort a try in flight: a try that fails once the signal has fired fails
   * the call with `Canceled` (`canceledTry`), whatever the SDK made of the abort.
   */
  signal?: AbortSignal;
  /**
   * The operation writes (a put, a delete): a try aborted in flight may have reached the store, so
   * its `Canceled` is ambiguous (see `StateStore.put`). Default false: a read changes nothing.
   */
  write?: boolean;
  /** What a `Canceled` error names (e.g. `put .pulumi/meta.yaml`). */
  what?: string;
  /** Where the backoff waits (tests inject a clock). Default: the system clock. */
  clock?: Clock;
}

/**
 * Runs `operation`, retrying transient failures (throttling, 5xx, connection resets) with
 * exponential backoff and full jitter, so many clients that fail together do not retry together.
 * Bounded: after `attempts` tries the last error is thrown as it was.
 *
 * Ambiguity carries over: once a try failed in a way that may have taken effect (the error is
 * `ambiguous`: a lost answer, a 5xx), the error finally thrown is marked ambiguous too, whatever
 * it is. That is how a caller tells "my precondition failed because someone else wrote" from "my
 * precondition failed because my own earlier try landed" (see `StateStore.put`).
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  const isRetryable = options.isRetryable ?? ((error: unknown) => isCairnError(error) && error.retryable);
  const idempotent = options.idempotent ?? true;
  let ambiguous = false;
  const signal = options.signal;
  const what = options.what === undefined ? {} : { what: options.what };
  for (let attempt = 1; ; attempt++) {
    // Before a try: nothing of it was sent, so only an earlier try makes the cancellation ambiguous.
    if (signal?.aborted) throw ambiguous ? markAmbiguous(canceledError(signal, options.what)) : canceledError(signal, options.what);
    try {
      return await operation(attempt);
    } catch (thrown) {
      const mapped = options.mapError === undefined ? thrown : options.mapError(thrown);
      const error = signal?.aborted ? canceledTry(signal, mapped, { ...what, write: options.write === true }) : mapped;
      ambiguous ||= isAmbiguous(error);
      const retry = attempt < attempts && !signal?.aborted && isRetryable(error) && (idempotent || !isAmbiguous(error));
      if (!retry) throw ambiguous ? markAmbiguous(error) : error;
      const delay = Math.random() * Math.min(max, base * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delay);
      try {
        await pause(options.clock ?? systemClock, delay, signal, options.what);
      } catch (canceled) {
        throw ambiguous ? markAmbiguous(canceled) : canceled; // canceled after a try that may have landed
      }
    }
  }
}
