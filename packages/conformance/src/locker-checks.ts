import { isCairnError, type LockInfo } from "@cairn/core";
import { type StateLocker } from "@cairn/core/driver";
import { assert, expectCairnError, fail, settleRace } from "./assertions.js";

export type LockerPair = readonly [StateLocker, StateLocker];

const CONCURRENT_ACQUIRES = 8;

function lockKey(check: string): string {
  return `conformance-locks/${check}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A holder description the checks can recognise when the other locker reports it. */
export function lockInfoFor(who: string): LockInfo {
  return { pid: 1000 + who.length, username: `user-${who}`, hostname: `host-${who}`, timestamp: new Date().toISOString(), operation: `conformance ${who}` };
}

function assertNamesHolder(lock: LockInfo | undefined, expected: LockInfo, what: string): void {
  if (lock === undefined) fail(`${what}: no holder reported`);
  for (const field of ["username", "hostname", "pid", "timestamp"] as const) {
    assert(lock[field] === expected[field], `${what}: holder ${field} is ${JSON.stringify(lock[field])}, expected ${JSON.stringify(expected[field])}`);
  }
}

/** The second locker is refused while the first holds the lock, with a `Locked` error naming the holder. */
export async function checkLockExcludesOtherLocker([first, second]: LockerPair): Promise<void> {
  const key = lockKey("exclusive");
  const holder = lockInfoFor("first");
  const handle = await first.acquire(key, holder);
  try {
    const error = await expectCairnError(() => second.acquire(key, lockInfoFor("second")), "Locked", "acquire while another locker holds the lock");
    assertNamesHolder((error as { lock?: LockInfo }).lock, holder, "the Locked error");
  } finally {
    await handle.release();
  }
}

export async function checkReleasedLockCanBeTaken([first, second]: LockerPair): Promise<void> {
  const key = lockKey("release");
  await (await first.acquire(key, lockInfoFor("first"))).release();
  assert((await second.inspect(key)) === undefined, "inspect after release must report no holder");
  const handle = await second.acquire(key, lockInfoFor("second"));
  await handle.release();
}

export async function checkInspectReportsHolder([first, second]: LockerPair): Promise<void> {
  const key = lockKey("inspect");
  assert((await second.inspect(key)) === undefined, "inspect of a lock never taken must report no holder");
  const holder = lockInfoFor("first");
  const handle = await first.acquire(key, holder);
  try {
    assertNamesHolder(await second.inspect(key), holder, "inspect from the other locker");
  } finally {
    await handle.release();
  }
}

/** Breaking frees the lock for others, and the old holder's late release must not free the new holder's lock. */
export async function checkBreakLockFreesIt([first, second]: LockerPair): Promise<void> {
  const key = lockKey("break");
  const stale = await first.acquire(key, lockInfoFor("first"));
  await second.breakLock(key);
  const successorInfo = lockInfoFor("second");
  const successor = await second.acquire(key, successorInfo);
  try {
    await stale.release().catch(() => {}); // the old holder coming back late
    const error = await expectCairnError(() => first.acquire(key, lockInfoFor("first")), "Locked", "acquire after the broken holder released late");
    assertNamesHolder((error as { lock?: LockInfo }).lock, successorInfo, "the Locked error after a break");
  } finally {
    await successor.release();
  }
}

export async function checkConcurrentAcquiresHaveOneWinner([first, second]: LockerPair): Promise<void> {
  const key = lockKey("race");
  const attempts = Array.from({ length: CONCURRENT_ACQUIRES }, (_, i) => (i % 2 === 0 ? first : second).acquire(key, lockInfoFor(`racer-${i}`)));
  const { winners } = await settleRace(attempts, (error) => isCairnError(error, "Locked"), "concurrent acquires");
  assert(winners.length === 1, `${CONCURRENT_ACQUIRES} concurrent acquires: ${winners.length} succeeded, exactly one must`);
  await winners[0]!.release();
}
