import { isCairnError } from "@cairn/core";
import type { StateStore } from "@cairn/core/driver";
import { codeOf, firstLine, unexpectedOutcomes, type ExpectedFailure } from "./expected-failures.js";
import { assert, assertBytesEqual, fail } from "./assertions.js";
import { scratchPrefix, utf8 } from "./check-types.js";

/**
 * Cancellation (`CallOptions.signal`, see "Cancellation" on `StateStore`): a call whose signal has
 * fired fails with `Canceled` — a driver that ignores the signal runs the call and passes none of
 * these. Checked against the real store, so the driver's own mapping of its SDK's abort is what
 * is judged, not a stand-in's.
 */

/**
 * An already-aborted signal: get, put (new key, existing key, conditional create), delete and list
 * each fail with `Canceled`, not ambiguous (nothing was sent), and change nothing — the new key is
 * absent afterwards, the existing one keeps its bytes and version, the listing is unchanged.
 */
export async function checkPreAbortedCallsChangeNothing(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("pre-aborted");
  const kept = `${prefix}kept`;
  const fresh = `${prefix}fresh`;
  const original = utf8("original bytes");
  const version = await store.put(kept, original);
  const signal = AbortSignal.abort();
  const operations: ExpectedFailure[] = [
    ["get", () => store.get(kept, { signal })],
    ["put of a new key", () => store.put(fresh, utf8("must not land"), { signal })],
    ["put over an existing key", () => store.put(kept, utf8("must not land"), { signal })],
    ["delete of an existing key", () => store.delete(kept, { signal })],
    ["list", () => store.list(prefix, { signal })],
  ];
  if (store.capabilities.conditionalWrite) operations.push(['put with ifNoneMatch "*"', () => store.put(fresh, utf8("must not land"), { ifNoneMatch: "*", signal })]);
  const problems = await unexpectedOutcomes(store, operations, "Canceled", (name, error) =>
    isCairnError(error) && error.ambiguous ? `${name} failed with an ambiguous Canceled, but nothing can have been sent: the signal had fired before the call` : undefined,
  );
  assert(problems.length === 0, `with an already-aborted signal:\n  ${problems.join("\n  ")}`);
  assert((await store.get(fresh)) === undefined, "a put with an already-aborted signal created its key");
  const after = await store.get(kept);
  assertBytesEqual(after?.bytes, original, "the existing key after a put and a delete with an already-aborted signal");
  assert(after!.version === version, `the existing key's version changed (${version} → ${after!.version}) although every write was canceled before it started`);
}

/**
 * An abort while calls are under way (fired right after each starts, before its answer can have
 * arrived): each settles with its result (it had already finished) or `Canceled` — never another
 * error — and a put leaves its key whole or absent, never partly written; the store still serves
 * calls afterwards.
 */
export async function checkAbortUnderWaySettlesCleanly(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("abort-under-way");
  const seeded = `${prefix}seeded`;
  const written = `${prefix}written`;
  const value = new Uint8Array(256 * 1024).map((_, index) => (index * 31) & 0xff);
  await store.put(seeded, value);
  const started = (call: (signal: AbortSignal) => Promise<unknown>) => {
    const controller = new AbortController();
    const promise = call(controller.signal);
    controller.abort();
    return promise.then(
      () => "finished",
      (error: unknown) => error,
    );
  };
  const outcomes: Array<[string, unknown]> = [
    ["get", await started((signal) => store.get(seeded, { signal }))],
    ["list", await started((signal) => store.list(prefix, { signal }))],
    ["put", await started((signal) => store.put(written, value, { signal }))],
    ["delete", await started((signal) => store.delete(seeded, { signal }))],
  ];
  const problems = outcomes
    .filter(([, outcome]) => outcome !== "finished" && codeOf(store, outcome) !== "Canceled")
    .map(([name, outcome]) => `${name} failed with ${codeOf(store, outcome)} (${firstLine(outcome)}), expected its result or Canceled`);
  assert(problems.length === 0, `aborted while under way:\n  ${problems.join("\n  ")}`);
  const landed = await store.get(written);
  if (landed !== undefined) assertBytesEqual(landed.bytes, value, "the key of a put aborted while under way (whole or absent)");
  const survivor = await store.get(seeded);
  if (survivor !== undefined) assertBytesEqual(survivor.bytes, value, "the key of a delete aborted while under way (kept whole or gone)");
  const listed = await store.list(prefix);
  if (!Array.isArray(listed.objects)) fail("the store does not list after the aborted calls");
}
