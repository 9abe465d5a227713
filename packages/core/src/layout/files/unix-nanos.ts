/**
 * Unix time in nanoseconds, as Go's `time.Now().UnixNano()` names backups, retained checkpoints and
 * history files. JavaScript clocks give milliseconds, so the sub-millisecond digits come from the
 * monotonic clock; the value never repeats within a process, so two writes in the same millisecond
 * still get distinct (and correctly ordered) names.
 */
let last = 0n;

export function unixNanos(): string {
  const now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  last = now > last ? now : last + 1n;
  return last.toString();
}
