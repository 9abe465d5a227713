import type { StateStore } from "@cairn/core/driver";
import type { StoreCheck } from "./check-types.js";
import { describeStoreChecks, type StoreFactoryOptions } from "./describe-store-checks.js";
import { checkCapabilitiesAreDeclared, checkClassifyErrorReturnsKnownCode, checkCloseIsIdempotent, checkDeleteIsIdempotent } from "./store-checks-basics.js";
import {
  checkCompareAndSwapHonoursVersion,
  checkConcurrentCreatesHaveOneWinner,
  checkConcurrentSwapsHaveOneWinner,
  checkConditionalCreateRefusesExisting,
  checkDeleteWithStaleVersionConflicts,
  checkIfMatchOnMissingKeyConflicts,
} from "./store-checks-conditional.js";
import { checkListedFieldsMatchGet, checkListingPagesEveryKeyOnce, checkOddKeysRoundTrip, checkPrefixListingIsExact } from "./store-checks-listing.js";
import {
  checkAllByteValuesRoundTrip,
  checkEmptyValueRoundTrips,
  checkGetMissingReturnsUndefined,
  checkLargeValueRoundTrips,
  checkVersionsChangeOnEveryWrite,
} from "./store-checks-values.js";
import { checkMissingContainerFailsNotFound } from "./store-checks-missing.js";
import { checkAbortUnderWaySettlesCleanly, checkPreAbortedCallsChangeNothing } from "./store-checks-cancel.js";
import { checkAbortEndsStalledCalls } from "./store-checks-stalled.js";

/**
 * Every check of the StateStore contract, in the order the suite runs them. Only the store is
 * under test here: core's locking and sessions laid over a store are `CORE_OVER_STORE_CHECKS`.
 */
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
  { title: "lists 25 keys with limit 7: each once, sorted, cursors end", run: checkListingPagesEveryKeyOnce },
  { title: "lists a prefix exactly: no sibling leaks, nested keys included", run: checkPrefixListingIsExact },
  { title: "round-trips and lists odd keys (spaces, unicode, + % =, deep nesting)", run: checkOddKeysRoundTrip },
  { title: "lists each key with get's version (or none), its byte size, a modified time that never goes back", run: checkListedFieldsMatchGet },
  { title: "deletes idempotently", run: checkDeleteIsIdempotent },
  { title: "fails get, put, delete and list with an already-aborted signal with Canceled (not ambiguous), changing nothing", run: checkPreAbortedCallsChangeNothing },
  { title: "settles calls aborted under way with their result or Canceled; an aborted put leaves its key whole or absent", run: checkAbortUnderWaySettlesCleanly },
  { title: 'classifies any error (e.g. new Error("x")) as one of ERROR_CODES', run: checkClassifyErrorReturnsKnownCode },
  { title: "closes idempotently (a second close resolves)", run: checkCloseIsIdempotent },
];

export const MISSING_CONTAINER_TITLE = "fails get, put, delete and list on a missing bucket/container/repository with NotFound, creating nothing";

export const STALLED_ENDPOINT_TITLE = "fails get, list, put and delete with Canceled within 5 s when aborted while waiting on an endpoint that never answers";

export interface StoreConformanceOptions extends StoreFactoryOptions {
  /**
   * A store opened over a bucket, container or repository that does not exist (never created,
   * or deleted), as a user with a typo in the URL would open it. Runs the missing-container check.
   */
  createMissing?: () => Promise<StateStore>;
  /**
   * Instead of `createMissing`: why a missing container cannot happen for this store (e.g. it
   * creates its root on first write, as cairn's file store does). The check is then
   * registered as skipped with this reason.
   */
  missingNotApplicable?: string;
  /**
   * A store whose requests all go to `endpoint` (`http://127.0.0.1:<port>`, a server that accepts
   * connections and never answers), with whatever credentials it needs to send them. Runs the
   * stalled-endpoint check: an abort must end a call that is waiting on its request.
   */
  createStalled?: (endpoint: string) => Promise<StateStore>;
  /** Instead of `createStalled`: why this store has no request to stall (e.g. it reads local files). */
  stalledNotApplicable?: string;
}

/**
 * Defines a vitest suite holding every StateStore contract check, plus the missing-container
 * check (skipped, with the reason, without `createMissing`). The capabilities a store claims
 * decide what runs: a check needing a capability the store does not claim is still registered,
 * as skipped, with the reason in its title — never silently dropped.
 */
export function describeStoreConformance(name: string, options: StoreConformanceOptions): void {
  const { createMissing, missingNotApplicable, createStalled, stalledNotApplicable } = options;
  const skip =
    createMissing !== undefined
      ? undefined
      : missingNotApplicable !== undefined
        ? `not applicable: ${missingNotApplicable}`
        : "no createMissing option given (a store over a bucket/container that does not exist)";
  describeStoreChecks(`${name}: StateStore conformance`, STORE_CHECKS, options, [
    {
      title: MISSING_CONTAINER_TITLE,
      ...(skip === undefined
        ? {
            run: async () => {
              const store = await createMissing!();
              try {
                await checkMissingContainerFailsNotFound(store);
              } finally {
                await store.close();
              }
            },
          }
        : { skip }),
    },
    {
      title: STALLED_ENDPOINT_TITLE,
      ...(createStalled !== undefined
        ? { run: () => checkAbortEndsStalledCalls(createStalled) }
        : { skip: stalledNotApplicable === undefined ? "no createStalled option given (a store over an endpoint that never answers)" : `not applicable: ${stalledNotApplicable}` }),
    },
  ]);
}
