import type { ListedObject, StateStore } from "@cairn/core/driver";
import { assert, assertBytesEqual, fail } from "./assertions.js";
import { scratchPrefix, utf8 } from "./check-types.js";

const PAGED_KEYS = 25;
const PAGE_LIMIT = 7;

/** Follows cursors with `limit`, failing if they do not end within a sane number of pages. */
async function listPaged(store: StateStore, prefix: string, limit: number | undefined, maxPages: number): Promise<ListedObject[]> {
  const all: ListedObject[] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) fail(`listing ${prefix}: cursors did not terminate after ${maxPages} pages`);
    const options = { ...(cursor === undefined ? {} : { cursor }), ...(limit === undefined ? {} : { limit }) };
    const result = await store.list(prefix, options);
    if (limit !== undefined) assert(result.objects.length <= limit, `listing ${prefix}: a page of ${result.objects.length} objects exceeds limit ${limit}`);
    all.push(...result.objects);
    if (result.cursor === undefined) return all;
    assert(result.cursor !== cursor, `listing ${prefix}: the cursor did not advance`);
    cursor = result.cursor;
  }
}

function keysOf(objects: ListedObject[], prefix: string): string[] {
  return objects.map((object) => object.key.slice(prefix.length));
}

function assertSameList(actual: string[], expected: string[], what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) fail(`${what}:\n  got      ${a}\n  expected ${e}`);
}

export async function checkListingPagesEveryKeyOnce(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("paging");
  const names = Array.from({ length: PAGED_KEYS }, (_, i) => `key-${String(i).padStart(2, "0")}`);
  // Written out of order, so a store that lists in write order fails.
  for (const name of [...names].reverse()) await store.put(`${prefix}${name}`, utf8(name));
  const listed = await listPaged(store, prefix, PAGE_LIMIT, PAGED_KEYS + 2);
  assertSameList(keysOf(listed, prefix), names, `${PAGED_KEYS} keys listed with limit ${PAGE_LIMIT} (each once, sorted)`);
  const unpaged = await listPaged(store, prefix, undefined, PAGED_KEYS + 2);
  assertSameList(keysOf(unpaged, prefix), names, `${PAGED_KEYS} keys listed without a limit`);
}

/** `a/b/` must not leak `a/bc`, but must include everything nested below `a/b/`. */
export async function checkPrefixListingIsExact(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("prefix");
  for (const key of ["a/b/one", "a/b/deep/er/two", "a/bc/three", "a/b.x", "ab/four"]) await store.put(`${prefix}${key}`, utf8(key));
  assertSameList(keysOf(await listPaged(store, `${prefix}a/b/`, undefined, 10), prefix), ["a/b/deep/er/two", "a/b/one"], `listing ${prefix}a/b/`);
  assertSameList(keysOf(await listPaged(store, `${prefix}a/bc/`, undefined, 10), prefix), ["a/bc/three"], `listing ${prefix}a/bc/`);
  // A prefix is a string prefix, not a directory: `a/b` matches `a/b.x`, `a/b/…` and `a/bc/…`.
  assertSameList(
    keysOf(await listPaged(store, `${prefix}a/b`, undefined, 10), prefix),
    ["a/b.x", "a/b/deep/er/two", "a/b/one", "a/bc/three"],
    `listing ${prefix}a/b`,
  );
  assertSameList(keysOf(await listPaged(store, `${prefix}a/nothing/`, undefined, 10), prefix), [], "listing a prefix with no keys");
}

/** Keys that need escaping in URLs, paths or query strings must survive unchanged. */
export const ODD_KEY_NAMES = [
  "with space",
  "plus+sign",
  "percent%20encoded",
  "equals=sign&amp",
  "unicode-héllo-日本-🪨",
  "deep/ly/nes/ted/path/to/a/key.json",
  "tilde~and'quote(paren)",
] as const;

export async function checkOddKeysRoundTrip(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("odd-keys");
  for (const name of ODD_KEY_NAMES) await store.put(`${prefix}${name}`, utf8(`value of ${name}`));
  for (const name of ODD_KEY_NAMES) assertBytesEqual((await store.get(`${prefix}${name}`))?.bytes, utf8(`value of ${name}`), `key ${JSON.stringify(name)}`);
  const listed = keysOf(await listPaged(store, prefix, undefined, 10), prefix);
  // Sorted by UTF-16 code units, the SPI's (and JavaScript's default) lexicographic order.
  assertSameList(listed, [...ODD_KEY_NAMES].sort(), "listing odd keys");
}
