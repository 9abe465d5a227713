import { isCairnError } from "@cairn/core";
import { type StateStore } from "@cairn/core/driver";
import { assert, assertBytesEqual, expectCairnError, fail, settleRace } from "./assertions.js";
import { scratchPrefix, utf8 } from "./check-types.js";

const CONCURRENT_CREATES = 16;
const CONCURRENT_SWAPS = 8;

const isConflict = (error: unknown) => isCairnError(error, "Conflict");

export async function checkConditionalCreateRefusesExisting(store: StateStore): Promise<void> {
  const key = `${scratchPrefix("if-none-match")}object`;
  const original = utf8("original");
  const version = await store.put(key, original, { ifNoneMatch: "*" });
  await expectCairnError(() => store.put(key, utf8("intruder"), { ifNoneMatch: "*" }), "Conflict", 'ifNoneMatch "*" on an existing key');
  const found = await store.get(key);
  assertBytesEqual(found?.bytes, original, 'after a refused ifNoneMatch "*" the original bytes');
  assert(found?.version === version, "a refused conditional create must not change the version");
}

export async function checkCompareAndSwapHonoursVersion(store: StateStore): Promise<void> {
  const key = `${scratchPrefix("if-match")}object`;
  const stale = await store.put(key, utf8("v1"));
  const current = await store.put(key, utf8("v2"));
  await expectCairnError(() => store.put(key, utf8("lost update"), { ifMatch: stale }), "Conflict", "ifMatch with a stale version");
  assertBytesEqual((await store.get(key))?.bytes, utf8("v2"), "after a refused stale ifMatch the current bytes");
  const next = await store.put(key, utf8("v3"), { ifMatch: current }).catch((error: unknown) =>
    fail(`ifMatch with the current version (as put returned it) was refused: ${String(error)}`),
  );
  const found = await store.get(key);
  assertBytesEqual(found?.bytes, utf8("v3"), "ifMatch with the current version");
  assert(found?.version === next && next !== current, "a successful compare-and-swap returns the new version");
}

export async function checkIfMatchOnMissingKeyConflicts(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("if-match-missing");
  const elsewhere = await store.put(`${prefix}other`, utf8("other"));
  await expectCairnError(() => store.put(`${prefix}missing`, utf8("x"), { ifMatch: elsewhere }), "Conflict", "ifMatch on a missing key");
  assert((await store.get(`${prefix}missing`)) === undefined, "a refused ifMatch on a missing key must not create it");
}

/** The lock protocol rests on this: of many simultaneous creates, exactly one succeeds. */
export async function checkConcurrentCreatesHaveOneWinner(store: StateStore): Promise<void> {
  const key = `${scratchPrefix("create-race")}lock`;
  const contenders = Array.from({ length: CONCURRENT_CREATES }, (_, i) => utf8(`contender ${i}`));
  const { winners, winnerIndexes } = await settleRace(
    contenders.map((bytes) => store.put(key, bytes, { ifNoneMatch: "*" })),
    isConflict,
    "concurrent conditional creates",
  );
  assert(winners.length === 1, `${CONCURRENT_CREATES} concurrent conditional creates of one key: ${winners.length} succeeded, exactly one must`);
  const found = await store.get(key);
  assertBytesEqual(found?.bytes, contenders[winnerIndexes[0]!]!, "the stored value after a create race (the winner's bytes)");
  assert(found?.version === winners[0], "the stored version after a create race is the winner's");
}

/** Two writers that read the same version must not both believe their update landed. */
export async function checkConcurrentSwapsHaveOneWinner(store: StateStore): Promise<void> {
  const key = `${scratchPrefix("swap-race")}state`;
  const base = await store.put(key, utf8("base"));
  const updates = Array.from({ length: CONCURRENT_SWAPS }, (_, i) => utf8(`update ${i}`));
  const { winners, winnerIndexes } = await settleRace(
    updates.map((bytes) => store.put(key, bytes, { ifMatch: base })),
    isConflict,
    "concurrent compare-and-swap",
  );
  assert(winners.length === 1, `${CONCURRENT_SWAPS} concurrent ifMatch writes from one version: ${winners.length} succeeded, exactly one must`);
  assertBytesEqual((await store.get(key))?.bytes, updates[winnerIndexes[0]!]!, "the stored value after a swap race (the winner's bytes)");
}

export async function checkDeleteWithStaleVersionConflicts(store: StateStore): Promise<void> {
  const key = `${scratchPrefix("delete-if-match")}object`;
  const stale = await store.put(key, utf8("v1"));
  const current = await store.put(key, utf8("v2"));
  await expectCairnError(() => store.delete(key, { ifMatch: stale }), "Conflict", "delete with a stale ifMatch");
  assertBytesEqual((await store.get(key))?.bytes, utf8("v2"), "after a refused delete the object");
  await store.delete(key, { ifMatch: current });
  assert((await store.get(key)) === undefined, "delete with the current ifMatch removes the object");
}
