/**
 * Where code that waits gets the time and its pauses from. Production uses `systemClock`; tests
 * inject a `ManualClock`, so a timeout of minutes elapses without a test waiting in real time.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /**
   * Resolves after `ms` of this clock's time. With `signal`, a clock may stop early when it fires
   * (the system clock clears its timer); callers that must fail on the abort use `pause`.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", stop);
        resolve();
      }, ms);
      // An aborted wait resolves at once, its timer cleared (so nothing keeps the process alive);
      // `pause` turns the abort into `Canceled`.
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      signal?.addEventListener("abort", stop, { once: true });
    }),
};

/**
 * A clock that moves only when told: `advance(ms)` jumps ahead, and `sleep(ms)` advances by `ms`
 * and resolves on the next turn of the event loop (so a waiter's backoff loop still lets I/O
 * run, but a 15 s timeout passes in a few milliseconds of real time).
 */
export class ManualClock implements Clock {
  private offset = 0;

  constructor(private readonly start: number = Date.now()) {}

  now(): number {
    return this.start + this.offset;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward (asked to advance ${ms} ms)`);
    this.offset += ms;
  }

  sleep(ms: number): Promise<void> {
    this.advance(Math.max(0, ms));
    return new Promise((resolve) => setImmediate(resolve));
  }
}
