import { ERROR_CODES } from "@cairn/core";
import { type StateStore } from "@cairn/core/driver";
import { assert } from "./assertions.js";
import { scratchPrefix, utf8 } from "./check-types.js";

export async function checkDeleteIsIdempotent(store: StateStore): Promise<void> {
  const prefix = scratchPrefix("delete");
  const key = `${prefix}object`;
  await store.put(key, utf8("doomed"));
  await store.delete(key);
  assert((await store.get(key)) === undefined, "get after delete must resolve undefined");
  assert(!(await store.list(prefix)).objects.some((object) => object.key === key), "a deleted key must not be listed");
  await store.delete(key); // again: no error
  await store.delete(`${prefix}never-existed`);
  // Deleting a key that is only a prefix of others deletes nothing (on a file system: a directory).
  await store.put(`${prefix}parent/child`, utf8("kept"));
  await store.delete(`${prefix}parent`);
  assert((await store.get(`${prefix}parent/child`)) !== undefined, "deleting a prefix key must not delete the keys below it");
}

/** Core classifies whatever a store throws; the answer must be one of the codes the CLI knows. */
export async function checkClassifyErrorReturnsKnownCode(store: StateStore): Promise<void> {
  for (const error of [new Error("x"), "a string", undefined, Object.assign(new Error("enoent"), { code: "ENOENT" })]) {
    const code = store.classifyError(error);
    assert((ERROR_CODES as readonly string[]).includes(code), `classifyError(${String(error)}) returned ${JSON.stringify(code)}, not one of ERROR_CODES`);
  }
}

export async function checkCapabilitiesAreDeclared(store: StateStore): Promise<void> {
  const { capabilities } = store;
  assert(typeof capabilities?.conditionalWrite === "boolean", "capabilities.conditionalWrite must be a boolean");
  assert(typeof store.url === "string" && store.url.includes(":"), `url must be a URL string, got ${JSON.stringify(store.url)}`);
}

/** `close` is idempotent (see `StateStore.close`): embedders and core's backend may both close a store. */
export async function checkCloseIsIdempotent(store: StateStore): Promise<void> {
  await store.close();
  await store.close();
}

