import { describe, expect, it } from "vitest";
import { createStoreBackend } from "@cairn/core";
import { forwardingStore } from "@cairn/core/driver";
import { MemoryStore } from "@cairn/backend-memory";
import {
  ConformanceFailure,
  checkCompareAndSwapHonoursVersion,
  checkConcurrentCreatesHaveOneWinner,
  checkConditionalCreateRefusesExisting,
  checkAbortEndsStalledCalls,
  checkListingPagesEveryKeyOnce,
  checkLockExcludesSecondInstance,
  checkPreAbortedCallsChangeNothing,
  checkVersionsChangeOnEveryWrite,
} from "../src/index.js";
import { dropsLastPage, ignoresIfNoneMatch, ignoresSignals, returnsStaleVersions, throwsPlainConflicts } from "./broken-stores.js";

// The checks must be able to fail: each broken store is caught by the check aimed at its defect,
// while a correct store passes the same check (so the failure is the defect, not the check).
let spaces = 0;
const fresh = () => new MemoryStore(`conformance-negative-${process.pid}-${++spaces}`);

describe("store checks catch broken stores", () => {
  it("a store ignoring ifNoneMatch fails the conditional-create checks", async () => {
    await checkConditionalCreateRefusesExisting(fresh());
    await expect(checkConditionalCreateRefusesExisting(ignoresIfNoneMatch(fresh()))).rejects.toThrow(/ifNoneMatch "\*" on an existing key.*succeeded/);
    await expect(checkConcurrentCreatesHaveOneWinner(ignoresIfNoneMatch(fresh()))).rejects.toThrow(/16 concurrent conditional creates of one key: 16 succeeded/);
  });

  it("a store whose list drops the last page fails the paging check", async () => {
    await checkListingPagesEveryKeyOnce(fresh());
    await expect(checkListingPagesEveryKeyOnce(dropsLastPage(fresh()))).rejects.toThrow(ConformanceFailure);
    await expect(checkListingPagesEveryKeyOnce(dropsLastPage(fresh()))).rejects.toThrow(/25 keys listed with limit 7/);
  });

  it("a store returning stale versions fails the version and compare-and-swap checks", async () => {
    await checkVersionsChangeOnEveryWrite(fresh());
    await expect(checkVersionsChangeOnEveryWrite(returnsStaleVersions(fresh()))).rejects.toThrow(/every write needs a new one|get returned version/);
    await expect(checkCompareAndSwapHonoursVersion(returnsStaleVersions(fresh()))).rejects.toThrow(/current version \(as put returned it\) was refused/);
  });

  it("a store ignoring the signal fails the pre-aborted check, naming every call", async () => {
    await checkPreAbortedCallsChangeNothing(fresh());
    await expect(checkPreAbortedCallsChangeNothing(ignoresSignals(fresh()))).rejects.toThrow(/get resolved .*put of a new key resolved .*delete of an existing key resolved .*list resolved/s);
  });

  it("a store that never reaches the stalled endpoint fails the stalled-endpoint check", async () => {
    await expect(checkAbortEndsStalledCalls(async () => fresh())).rejects.toThrow(/get settled before its request reached the endpoint/);
  });

  it("a store throwing plain errors instead of Conflict CairnErrors fails", async () => {
    await expect(checkConditionalCreateRefusesExisting(throwsPlainConflicts(fresh()))).rejects.toThrow(/expected a CairnError with code Conflict, got Error: precondition failed/);
  });
});

describe("backend checks catch broken backends", () => {
  const options = { env: {}, username: "first", hostname: "h", pid: 1 };
  it("a 'second instance' that does not share state fails the locking check", async () => {
    const first = createStoreBackend(new MemoryStore(`conformance-negative-backend-a-${process.pid}`), options);
    const unrelated = createStoreBackend(new MemoryStore(`conformance-negative-backend-b-${process.pid}`), options);
    await expect(checkLockExcludesSecondInstance(first, unrelated)).rejects.toThrow(/Locked/);
  });
});

describe("integrity checks catch a store that ignores preconditions", () => {
  it("fails the fencing check and the probe check", async () => {
    const { checkTakenOverWriterIsFenced, checkPreconditionProbePasses } = await import("../src/index.js");
    // Fencing rests on ifMatch: a store ignoring every precondition lets the stale writer overwrite newer state.
    const ignoresAll = (inner: MemoryStore) => forwardingStore(inner, { put: (key, bytes) => inner.put(key, bytes) });
    await expect(checkTakenOverWriterIsFenced(ignoresAll(fresh()))).rejects.toThrow(ConformanceFailure);
    await expect(checkPreconditionProbePasses(ignoresIfNoneMatch(fresh()))).rejects.toThrow(/ignores preconditions/);
  });
});
