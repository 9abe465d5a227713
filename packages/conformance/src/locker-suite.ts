import { describe, it } from "vitest";
import type { StateLocker } from "@cairn/core/driver";
import {
  checkBreakLockFreesIt,
  checkConcurrentAcquiresHaveOneWinner,
  checkInspectReportsHolder,
  checkLockExcludesOtherLocker,
  checkReleasedLockCanBeTaken,
  type LockerPair,
} from "./locker-checks.js";

export const LOCKER_CHECKS: ReadonlyArray<{ title: string; run: (pair: LockerPair) => Promise<void> }> = [
  { title: "refuses a second holder with Locked naming the first", run: checkLockExcludesOtherLocker },
  { title: "lets another locker take a released lock", run: checkReleasedLockCanBeTaken },
  { title: "reports the holder to the other locker", run: checkInspectReportsHolder },
  { title: "breakLock frees the lock; a late release does not free the successor's", run: checkBreakLockFreesIt },
  { title: "lets exactly one of 8 concurrent acquires win", run: checkConcurrentAcquiresHaveOneWinner },
];

export interface LockerConformanceOptions {
  /** Two lockers over the same state, as two processes would have. */
  createPair: () => Promise<[StateLocker, StateLocker]>;
}

/** Defines a vitest suite for a store's native locker (`StateLocker`). */
export function describeLockerConformance(name: string, options: LockerConformanceOptions): void {
  describe(`${name}: StateLocker conformance`, () => {
    for (const check of LOCKER_CHECKS) {
      it(check.title, async () => check.run(await options.createPair()));
    }
  });
}
