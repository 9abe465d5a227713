/**
 * Where code that waits gets the time and its pauses from. Production uses `systemClock`; tests
 * inject a `ManualClock`, so a timeout of minutes elapses without a test waiting in real time.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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
