import type { StoreCheck } from "./check-types.js";
import { describeStoreChecks, type StoreFactoryOptions } from "./describe-store-checks.js";
import { INTEGRITY_STORE_CHECKS } from "./store-checks-integrity.js";
import { SESSION_STORE_CHECKS } from "./store-checks-sessions.js";

/**
 * Core's own machinery run over a store: fencing, leases, the precondition probe, the history
 * chain, update sessions and the stack index. They test core as much as the store, so they are a
 * suite of their own: a third party runs them optionally (a core bug must not fail its store's
 * conformance), cairn's own backends run them in every conformance file.
 */
export const CORE_OVER_STORE_CHECKS: readonly StoreCheck[] = [...INTEGRITY_STORE_CHECKS, ...SESSION_STORE_CHECKS];

export type CoreOverStoreConformanceOptions = StoreFactoryOptions;

/** Defines a vitest suite running `CORE_OVER_STORE_CHECKS` over fresh stores from `options.create`. */
export function describeCoreOverStoreConformance(name: string, options: CoreOverStoreConformanceOptions): void {
  describeStoreChecks(`${name}: core over the store`, CORE_OVER_STORE_CHECKS, options);
}
