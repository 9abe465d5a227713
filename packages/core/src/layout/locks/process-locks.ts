import type { StackLock } from "../../backend.js";

/** What is tracked: the lock file a backend holds, which saves nothing itself but can be released. */
type Releasable = Pick<StackLock, "release">;

/**
 * Every stack lock this process holds, across all backends it opened. A CLI interrupted by
 * SIGINT/SIGTERM releases them before it exits (`releaseProcessLocks`), so an interrupted
 * `stack import` leaves no lock behind for `stack unlock` to call live. (A process killed outright
 * cannot; its lock is then recognisably dead: same host, pid gone, and taken over.)
 */
const held = new Set<Releasable>();
/** Acquisitions under way: a lock file can already be in the store before `acquire` returns. */
const acquiring = new Set<Promise<unknown>>();

/**
 * Tracks a lock being acquired: once it resolves the lock is held (until `untrackProcessLock`).
 * `releaseProcessLocks` waits for acquisitions under way, so a signal that lands between the lock
 * file's write and `acquire` returning still releases it.
 */
export function trackProcessLock<T extends Releasable>(acquisition: Promise<T>): Promise<T> {
  const tracked = acquisition.then((lock) => {
    held.add(lock);
    return lock;
  });
  acquiring.add(tracked);
  const done = () => acquiring.delete(tracked);
  tracked.then(done, done);
  return tracked;
}

export function untrackProcessLock(lock: Releasable): void {
  held.delete(lock);
}

/** How many locks this process holds now. */
export function processLockCount(): number {
  return held.size;
}

/**
 * Releases every lock this process holds, each at most once, waiting at most `timeoutMs` in all
 * (an unreachable store must not keep an interrupted process from exiting). Failures are ignored:
 * a lock that could not be removed still ends with its lease.
 */
export async function releaseProcessLocks(timeoutMs = 5_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  const release = async () => {
    await Promise.allSettled([...acquiring]);
    const locks = [...held];
    held.clear();
    await Promise.allSettled(locks.map((lock) => lock.release()));
  };
  await Promise.race([release(), deadline]);
  clearTimeout(timer);
}
