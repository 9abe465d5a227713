import { CairnError, isCairnError } from "./errors.js";

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts?: number;
  /** First delay (ms); doubles each retry, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Whether `error` is worth another try. Default: a CairnError marked `retryable`. */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each wait, e.g. to log "retrying after 503". */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs `operation`, retrying transient failures (throttling, 5xx, connection resets) with
 * exponential backoff and full jitter, so many clients that fail together do not retry together.
 * Bounded: after `attempts` tries the last error is thrown as it was.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  const isRetryable = options.isRetryable ?? ((error: unknown) => isCairnError(error) && error.retryable);
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      const delay = Math.random() * Math.min(max, base * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CairnError("Canceled", "operation canceled"));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new CairnError("Canceled", "operation canceled"));
    }, { once: true });
  });
}
