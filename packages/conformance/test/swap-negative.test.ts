import { describe, expect, it } from "vitest";
import { CairnError } from "@cairn/core";
import { forwardingStore, type StateStore } from "@cairn/core/driver";
import { MemoryStore } from "@cairn/backend-memory";
import {
  CORE_OVER_STORE_CHECKS,
  STORE_CHECKS,
  checkCompareAndSwapHonoursVersion,
  checkConcurrentCreatesHaveOneWinner,
  checkConcurrentSwapsHaveOneWinner,
  checkConditionalCreateRefusesExisting,
  checkDeleteWithStaleVersionConflicts,
  checkIfMatchOnMissingKeyConflicts,
  checkMissingContainerFailsNotFound,
  checkTakenOverWriterIsFenced,
} from "../src/index.js";
import { ignoresIfMatch, nonAtomicCompareAndSwap } from "./broken-stores.js";

// Each broken store is caught by the checks aimed at its defect; the correct store passes them.
let spaces = 0;
const fresh = () => new MemoryStore(`conformance-swap-negative-${process.pid}-${++spaces}`);

describe("a store whose compare-and-swap is not atomic (check, await, then write)", () => {
  it("passes every one-writer precondition check: the defect shows only under concurrency", async () => {
    for (const check of [checkConditionalCreateRefusesExisting, checkCompareAndSwapHonoursVersion, checkIfMatchOnMissingKeyConflicts, checkDeleteWithStaleVersionConflicts]) {
      await check(nonAtomicCompareAndSwap(fresh()));
    }
  });

  it("fails the concurrent compare-and-swap and concurrent create checks", async () => {
    await checkConcurrentSwapsHaveOneWinner(fresh());
    await expect(checkConcurrentSwapsHaveOneWinner(nonAtomicCompareAndSwap(fresh()))).rejects.toThrow(/8 concurrent ifMatch writes from one version: 8 succeeded, exactly one must/);
    await checkConcurrentCreatesHaveOneWinner(fresh());
    await expect(checkConcurrentCreatesHaveOneWinner(nonAtomicCompareAndSwap(fresh()))).rejects.toThrow(/16 concurrent conditional creates of one key: 16 succeeded/);
  });
});

describe("a store that ignores ifMatch", () => {
  it("fails the compare-and-swap, missing-key, stale-delete and swap-race checks", async () => {
    await expect(checkCompareAndSwapHonoursVersion(ignoresIfMatch(fresh()))).rejects.toThrow(/ifMatch with a stale version: expected a CairnError with code Conflict, but it succeeded/);
    await expect(checkIfMatchOnMissingKeyConflicts(ignoresIfMatch(fresh()))).rejects.toThrow(/ifMatch on a missing key: .*but it succeeded/);
    await expect(checkDeleteWithStaleVersionConflicts(ignoresIfMatch(fresh()))).rejects.toThrow(/delete with a stale ifMatch: .*but it succeeded/);
    await expect(checkConcurrentSwapsHaveOneWinner(ignoresIfMatch(fresh()))).rejects.toThrow(/8 succeeded, exactly one must/);
  });

  it("lets core's fencing be defeated: the core-over-store fencing check fails", async () => {
    await checkTakenOverWriterIsFenced(fresh());
    await expect(checkTakenOverWriterIsFenced(ignoresIfMatch(fresh()))).rejects.toThrow(/Conflict/);
  });
});

describe("the missing-container check", () => {
  /** What a correct store over a deleted bucket does: every call fails NotFound. */
  const missing = (inner: StateStore) => {
    const gone = async (): Promise<never> => {
      throw new CairnError("NotFound", "the bucket does not exist", { hint: "create it" });
    };
    return forwardingStore(inner, { get: gone, put: gone, delete: gone, list: gone });
  };

  it("passes a store whose every operation fails NotFound", async () => {
    await checkMissingContainerFailsNotFound(missing(fresh()));
  });

  it("fails a store that answers a missing container like an empty one", async () => {
    await expect(checkMissingContainerFailsNotFound(fresh())).rejects.toThrow(/get resolved undefined instead of failing with NotFound[\s\S]*list resolved \{"objects":\[\]\}/);
  });

  it("fails a store whose idempotent delete swallows the missing container", async () => {
    const store = missing(fresh());
    await expect(checkMissingContainerFailsNotFound(forwardingStore(store, { delete: async () => {} }))).rejects.toThrow(/delete \(idempotent.*\) resolved undefined/);
  });

  it("fails a store that creates the container on write", async () => {
    // Reads fail until a put creates "the bucket"; afterwards they succeed.
    const inner = fresh();
    let created = false;
    const gone = () => Promise.reject(new CairnError("NotFound", "the bucket does not exist"));
    const store = forwardingStore(inner, {
      get: (key) => (created ? inner.get(key) : gone()),
      list: (prefix, options) => (created ? inner.list(prefix, options) : gone()),
      put: (key, bytes, options) => ((created = true), inner.put(key, bytes, options)),
      delete: () => gone(),
    });
    await expect(checkMissingContainerFailsNotFound(store)).rejects.toThrow(/put resolved "[^"]+" instead[\s\S]*get after the refused writes resolved/);
  });

  it("fails a store whose missing-container error is not classified NotFound", async () => {
    const internal = forwardingStore(fresh(), { get: () => Promise.reject(new Error("socket hang up")) });
    await expect(checkMissingContainerFailsNotFound(internal)).rejects.toThrow(/get failed with Internal \(socket hang up\), expected NotFound/);
  });
});

it("every store check and every core-over-store check passes on the reference store", async () => {
  for (const check of [...STORE_CHECKS, ...CORE_OVER_STORE_CHECKS]) await check.run(fresh());
});
