import type { RenewalTimer } from "../src/index.js";

/**
 * A clock and a renewal timer that move only when the test says so: `advance(ms)` runs every
 * renewal that falls due on the way, in order, each finished before time moves on. Leases then
 * expire without the test sleeping.
 */
export function manualTime(start = Date.parse("2026-01-01T00:00:00Z")) {
  let current = start;
  const timers = new Set<{ every: number; due: number; tick: () => Promise<void> }>();
  const renewalTimer: RenewalTimer = (every, tick) => {
    const timer = { every, due: current + every, tick };
    timers.add(timer);
    return () => timers.delete(timer);
  };
  return {
    now: () => current,
    renewalTimer,
    async advance(ms: number): Promise<void> {
      const until = current + ms;
      for (;;) {
        const next = [...timers].filter((timer) => timer.due <= until).sort((a, b) => a.due - b.due)[0];
        if (next === undefined) break;
        current = next.due;
        next.due += next.every;
        await next.tick();
      }
      current = until;
    },
  };
}
