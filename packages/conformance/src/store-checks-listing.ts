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

/**
 * What a listed object's optional fields must mean (see `ListedObject`): a `version` is exactly
 * the version `get` returns for the key (core's stack index trusts a cached entry on it), a `size`
 * is the stored byte length, and `modified` never goes back for a later write (it decides between
 * a stack's file suffixes). A rewrite shows the new version in the next listing.
 */
export async function checkListedFieldsMatchGet(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("listed-fields");
  const first = `${prefix}a.json`;
  const second = `${prefix}a.json.gz`;
  await store.put(first, utf8("first write"));
  await store.put(second, utf8("the second, longer write"));
  const listed = async () => new Map((await listPaged(store, prefix, undefined, 10)).map((object) => [object.key, object]));
  const expectFields = async (key: string, objects: Map<string, ListedObject>, what: string) => {
    const found = await store.get(key);
    const object = objects.get(key);
    assert(found !== undefined && object !== undefined, `${what}: ${key} must be listed and readable`);
    assert(object.version === undefined || object.version === found.version, `${what}: listed version ${JSON.stringify(object.version)} of ${key} is not the version get returns (${JSON.stringify(found.version)}); leave it out if the listing has no such version`);
    assert(object.size === undefined || object.size === found.bytes.length, `${what}: listed size ${object.size} of ${key} is not its byte length ${found.bytes.length}`);
    assert(object.modified === undefined || (object.modified instanceof Date && !Number.isNaN(object.modified.getTime())), `${what}: listed modified of ${key} must be a valid Date`);
    return object;
  };
  const before = await listed();
  const a = await expectFields(first, before, "after two writes");
  const b = await expectFields(second, before, "after two writes");
  if (a.modified !== undefined && b.modified !== undefined) {
    assert(b.modified.getTime() >= a.modified.getTime(), `modified goes back: ${second} written after ${first} lists ${b.modified.toISOString()} < ${a.modified.toISOString()}`);
  }
  await store.put(first, utf8("first key, rewritten"));
  const after = await listed();
  const rewritten = await expectFields(first, after, "after a rewrite");
  if (rewritten.modified !== undefined && b.modified !== undefined) {
    assert(rewritten.modified.getTime() >= b.modified.getTime(), `modified goes back: ${first} rewritten after ${second} lists ${rewritten.modified.toISOString()} < ${b.modified.toISOString()}`);
  }
}
