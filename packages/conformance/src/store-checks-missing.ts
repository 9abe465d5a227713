import { type StateStore } from "@cairn/core/driver";
import { unexpectedOutcomes, type ExpectedFailure } from "./expected-failures.js";
import { assert } from "./assertions.js";
import { scratchPrefix, utf8 } from "./check-types.js";

/**
 * A store opened over a bucket, container or repository that does not exist must say so on every
 * operation: a `NotFound` error (which the CLI reports with the store's hint to create it), never
 * `undefined` from `get`, an empty listing, or a delete that "succeeded" — those would make
 * `cairn login` accept a typo and `stack ls` show nothing. And it must create nothing: the writes
 * are refused, so reading afterwards still fails the same way.
 */
export async function checkMissingContainerFailsNotFound(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("missing-container");
  const key = `${prefix}object`;
  const operations: ExpectedFailure[] = [
    ["get", () => store.get(key)],
    ["list", () => store.list(prefix)],
    ["put", () => store.put(key, utf8("must not land"))],
    ['put with ifNoneMatch "*" (how locks are taken)', () => store.put(key, utf8("must not land"), { ifNoneMatch: "*" })],
    ["delete (idempotent for a missing key, not for a missing container)", () => store.delete(key)],
    ["get after the refused writes", () => store.get(key)],
    ["list after the refused writes", () => store.list(prefix)],
  ];
  const problems = await unexpectedOutcomes(store, operations, "NotFound");
  assert(problems.length === 0, `on a missing bucket/container/repository:\n  ${problems.join("\n  ")}`);
}
