import type { StoreCheck } from "./check-types.js";
import { checkHistoryChainVerifies, checkPreconditionProbePasses } from "./store-checks-history-chain.js";
import { checkExpiredLockOfKilledProcessIsTakenOver, checkLiveLockIsRespected, checkPulumiLockNeverExpires, checkTakenOverWriterIsFenced } from "./store-checks-leases.js";

/**
 * Integrity checks of core's layout over the store (see `store-checks-leases.ts`). They need
 * atomic preconditions (fencing is built on them) and consistent listing (locks are found by it).
 */
export const INTEGRITY_STORE_CHECKS: readonly StoreCheck[] = [
  { title: "integrity: a writer whose expired lock was taken over gets Conflict on save; the newer state stays", requires: "conditionalWrite", run: checkTakenOverWriterIsFenced },
  { title: "integrity: an expired lock left by a killed process is taken over, naming the old holder", requires: "conditionalWrite", run: checkExpiredLockOfKilledProcessIsTakenOver },
  { title: "integrity: a live lease is respected and shows its expiry", requires: "conditionalWrite", run: checkLiveLockIsRespected },
  { title: "integrity: a Pulumi lock file (no expiry) is never taken over for age", requires: "conditionalWrite", run: checkPulumiLockNeverExpires },
  { title: "integrity: the login probe finds create-only writes honoured and cleans up", requires: "conditionalWrite", run: checkPreconditionProbePasses },
  { title: "integrity: hash-chained history verifies, catches a flipped checkpoint byte, survives prune", run: checkHistoryChainVerifies },
];
