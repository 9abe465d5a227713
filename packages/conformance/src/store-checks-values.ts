import type { StateStore } from "@cairn/core/driver";
import { assert, assertBytesEqual } from "./assertions.js";
import { scratchPrefix, utf8 } from "./check-types.js";

/** Five megabytes: bigger than any single-request upload limit a careless store might hit. */
const LARGE_VALUE_BYTES = 5 * 1024 * 1024;

async function roundTrip(store: StateStore, key: string, bytes: Uint8Array, what: string): Promise<void> {
  const version = await store.put(key, bytes);
  assert(typeof version === "string" && version.length > 0, `${what}: put must return a non-empty version, got ${JSON.stringify(version)}`);
  const found = await store.get(key);
  assertBytesEqual(found?.bytes, bytes, what);
  assert(found?.version === version, `${what}: get returned version ${found?.version}, put returned ${version}`);
}

export async function checkEmptyValueRoundTrips(store: StateStore): Promise<void> {
  await roundTrip(store, `${scratchPrefix("empty")}empty`, new Uint8Array(0), "empty value");
}

export async function checkAllByteValuesRoundTrip(store: StateStore): Promise<void> {
  const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i < 256 ? i : 511 - i));
  await roundTrip(store, `${scratchPrefix("bytes")}all-bytes`, bytes, "all 256 byte values");
}

export async function checkLargeValueRoundTrips(store: StateStore): Promise<void> {
  // A pattern that is not periodic at any power of two, so a dropped or repeated chunk shows.
  const bytes = new Uint8Array(LARGE_VALUE_BYTES);
  let state = 0x2545f491;
  for (let i = 0; i < bytes.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  await roundTrip(store, `${scratchPrefix("large")}large`, bytes, "5 MB value");
}

/** Versions are what compare-and-swap compares: identical bytes written twice still differ. */
export async function checkVersionsChangeOnEveryWrite(store: StateStore): Promise<void> {
  const key = `${scratchPrefix("versions")}object`;
  const versions: string[] = [];
  for (const text of ["one", "one", "two", "one"]) {
    const version = await store.put(key, utf8(text));
    const found = await store.get(key);
    assert(found?.version === version, `versions: get returned version ${found?.version} right after put returned ${version}`);
    assertBytesEqual(found?.bytes, utf8(text), "versions: the latest write");
    versions.push(version);
  }
  assert(new Set(versions).size === versions.length, `versions: four writes gave versions ${JSON.stringify(versions)}; every write needs a new one`);
}

export async function checkGetMissingReturnsUndefined(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("missing");
  const found = await store.get(`${prefix}never-written`);
  assert(found === undefined, "get of a key never written must resolve undefined");
  const nested = await store.get(`${prefix}no/such/dir/key`);
  assert(nested === undefined, "get of a key under a missing directory must resolve undefined");
  // A prefix of other keys is not an object (on a file system it is a directory).
  await store.put(`${prefix}parent/child`, new Uint8Array([1]));
  assert((await store.get(`${prefix}parent`)) === undefined, "get of a key that is only a prefix of other keys must resolve undefined");
}
