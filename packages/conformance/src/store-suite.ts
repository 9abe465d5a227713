import { afterEach, describe, it } from "vitest";
import type { StateStore } from "@cairn/core";
import type { StoreCheck } from "./check-types.js";
import { checkCapabilitiesAreDeclared, checkClassifyErrorReturnsKnownCode, checkDeleteIsIdempotent } from "./store-checks-basics.js";
import {
  checkCompareAndSwapHonoursVersion,
  checkConcurrentCreatesHaveOneWinner,
  checkConcurrentSwapsHaveOneWinner,
  checkConditionalCreateRefusesExisting,
  checkDeleteWithStaleVersionConflicts,
  checkIfMatchOnMissingKeyConflicts,
} from "./store-checks-conditional.js";
import { checkListingPagesEveryKeyOnce, checkOddKeysRoundTrip, checkPrefixListingIsExact } from "./store-checks-listing.js";
import {
  checkAllByteValuesRoundTrip,
  checkEmptyValueRoundTrips,
  checkGetMissingReturnsUndefined,
  checkLargeValueRoundTrips,
  checkVersionsChangeOnEveryWrite,
} from "./store-checks-values.js";
import { INTEGRITY_STORE_CHECKS } from "./store-checks-integrity.js";
import { SESSION_STORE_CHECKS } from "./store-checks-sessions.js";

/** Every store check, in the order the suite runs them. */
export const STORE_CHECKS: readonly StoreCheck[] = [
  { title: "declares its capabilities and URL", run: checkCapabilitiesAreDeclared },
  { title: "round-trips an empty value", run: checkEmptyValueRoundTrips },
  { title: "round-trips all 256 byte values", run: checkAllByteValuesRoundTrip },
  { title: "round-trips a 5 MB value", run: checkLargeValueRoundTrips },
  { title: "gives every write a new version", run: checkVersionsChangeOnEveryWrite },
  { title: "resolves undefined for a missing key", run: checkGetMissingReturnsUndefined },
  { title: 'refuses ifNoneMatch "*" on an existing key with Conflict, keeping the original', requires: "conditionalWrite", run: checkConditionalCreateRefusesExisting },
  { title: "refuses a stale ifMatch with Conflict and accepts the current one", requires: "conditionalWrite", run: checkCompareAndSwapHonoursVersion },
  { title: "refuses ifMatch on a missing key with Conflict", requires: "conditionalWrite", run: checkIfMatchOnMissingKeyConflicts },
  { title: "lets exactly one of 16 concurrent conditional creates win", requires: "conditionalWrite", run: checkConcurrentCreatesHaveOneWinner },
  { title: "lets exactly one of 8 concurrent compare-and-swaps win", requires: "conditionalWrite", run: checkConcurrentSwapsHaveOneWinner },
  { title: "refuses delete with a stale ifMatch, keeping the object", requires: "conditionalWrite", run: checkDeleteWithStaleVersionConflicts },
  { title: "lists 25 keys with limit 7: each once, sorted, cursors end", requires: "listAfterWriteConsistent", run: checkListingPagesEveryKeyOnce },
  { title: "lists a prefix exactly: no sibling leaks, nested keys included", requires: "listAfterWriteConsistent", run: checkPrefixListingIsExact },
  { title: "round-trips and lists odd keys (spaces, unicode, + % =, deep nesting)", requires: "listAfterWriteConsistent", run: checkOddKeysRoundTrip },
  { title: "deletes idempotently", requires: "listAfterWriteConsistent", run: checkDeleteIsIdempotent },
  { title: 'classifies any error (e.g. new Error("x")) as one of ERROR_CODES', run: checkClassifyErrorReturnsKnownCode },
  // Core's fencing, leases, precondition probe and history chain, laid over this store.
  ...INTEGRITY_STORE_CHECKS,
  // Update sessions (journal, compaction, replay) and the stack index, laid over this store.
  ...SESSION_STORE_CHECKS,
];

export interface StoreConformanceOptions {
  /** A store over fresh, empty state. Called once per check. */
  create: () => Promise<StateStore>;
  /** Runs after each check (after the store is closed), e.g. to delete a temp directory or bucket. */
  cleanup?: (store: StateStore) => Promise<void>;
  /** Per-check timeout in ms (remote stores are slower than the default). */
  timeoutMs?: number;
}

/**
 * Defines a vitest suite holding every store check. The capabilities a store claims decide what
 * runs: a check needing a capability the store does not claim is still registered, as skipped,
 * with the reason in its title — never silently dropped. Capabilities are read from a first store
 * created while the suite is being collected.
 */
export function describeStoreConformance(name: string, options: StoreConformanceOptions): void {
  describe(`${name}: StateStore conformance`, async () => {
    const probe = await options.create();
    const capabilities = { ...probe.capabilities };
    await probe.close();
    await options.cleanup?.(probe);

    let current: StateStore | undefined;
    afterEach(async () => {
      const store = current;
      current = undefined;
      if (store === undefined) return;
      await store.close();
      await options.cleanup?.(store);
    });

    for (const check of STORE_CHECKS) {
      if (check.requires !== undefined && !capabilities[check.requires]) {
        it.skip(`${check.title} — skipped: the store does not claim ${check.requires}`, () => {});
        continue;
      }
      it(check.title, { timeout: options.timeoutMs ?? 30_000 }, async () => {
        current = await options.create();
        await check.run(current);
      });
    }
  });
}
