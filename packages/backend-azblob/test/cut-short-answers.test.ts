import { randomBytes } from "node:crypto";
import { isCairnError, type CairnError } from "@cairn/core";
import { requestNamesKey } from "@cairn/test-servers/answer-loser";
import { startFaultProxy, type FaultCandidate, type FaultProxy } from "@cairn/test-servers/fault-proxy";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { classifyAzblobError, openAzblobUrl } from "../src/index.js";
import { accountKeyEnv, createContainer, deleteContainer, uniqueContainerName } from "./azurite-fixture.js";

// The fault proxy's `truncate`: the status line and headers (with the announced length) arrive,
// then part of the body, then the connection closes. The request reached Azurite; only its answer
// is incomplete. The store must call that what it is — Unavailable, retryable, ambiguous — and
// retry, so that a read returns the object and a refused conditional write ends as Conflict (the
// SDK's own reports were Internal "Error reading response as text: aborted" and Canceled "The
// operation was aborted.", neither retried).

const container = uniqueContainerName("cutshort");
const urlFor = (host: string, prefix: string) => `azblob://${container}/${prefix}?localemu=true&domain=${host}&protocol=http`;
let proxy: FaultProxy | undefined;
let prefixes = 0;

beforeAll(() => createContainer(container));
afterAll(() => deleteContainer(container));
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/**
 * Two stores on one fresh prefix: `store` through a proxy that cuts short the answers to the next
 * `times` requests `aimed` selects, `direct` straight to Azurite (to set up, and to see the truth).
 */
async function storesCutting(aimed: (request: FaultCandidate) => boolean, times = 1) {
  let left = times;
  proxy = await startFaultProxy({
    target: `http://${inject("azuriteHost")}`,
    seed: 3,
    faults: { truncate: 1 },
    filter: (request) => {
      if (left === 0 || !aimed(request)) return false;
      left--;
      return true;
    },
  });
  const prefix = `p${++prefixes}`;
  return {
    store: await openAzblobUrl(urlFor(proxy.host, prefix), accountKeyEnv()),
    direct: await openAzblobUrl(urlFor(inject("azuriteHost"), prefix), accountKeyEnv()),
    truncated: () => proxy!.stats().faults.truncate,
  };
}

const naming = (method: string, key: string) => (request: FaultCandidate) => request.method === method && requestNamesKey(request.path, key);

async function failureOf(action: () => Promise<unknown>): Promise<CairnError> {
  const outcome = await action().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  if (!isCairnError(outcome.error)) throw outcome.error;
  return outcome.error;
}

describe("AzblobStore when an answer is cut short", { timeout: 30_000 }, () => {
  it("retries a cut-short download and returns the whole blob and its ETag", async () => {
    const { store, direct, truncated } = await storesCutting(naming("GET", "state.json"));
    const bytes = new Uint8Array(randomBytes(256 * 1024));
    const version = await direct.put("state.json", bytes);

    const read = await store.get("state.json");

    expect(truncated()).toBe(1);
    expect(read?.version).toBe(version);
    expect(Buffer.from(read!.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it("fails as a retryable, ambiguous Unavailable once every download was cut short", async () => {
    const { store, direct, truncated } = await storesCutting(naming("GET", "state.json"), Number.POSITIVE_INFINITY);
    await direct.put("state.json", new Uint8Array(randomBytes(64 * 1024)));

    const error = await failureOf(() => store.get("state.json"));

    expect({ code: error.code, retryable: error.retryable, ambiguous: error.ambiguous }).toEqual({ code: "Unavailable", retryable: true, ambiguous: true });
    expect(error.message).toMatch(/cut short/);
    expect(error.hint).toMatch(/closed before the whole answer arrived/);
    expect(truncated()).toBeGreaterThan(1);
  });

  it("retries a cut-short list", async () => {
    const { store, direct, truncated } = await storesCutting((request) => request.method === "GET" && request.path.includes("comp=list"));
    await direct.put("a.json", new Uint8Array([1]));

    const page = await store.list("");

    expect(truncated()).toBe(1);
    expect(page.objects.map((object) => object.key)).toEqual(["a.json"]);
  });

  it("ends a conditional create refused by a cut-short 409 as an ambiguous Conflict, keeping the blob", async () => {
    const { store, direct, truncated } = await storesCutting(naming("PUT", "lock.json"));
    await direct.put("lock.json", new Uint8Array([1]));

    const error = await failureOf(() => store.put("lock.json", new Uint8Array([2]), { ifNoneMatch: "*" }));

    expect(truncated()).toBe(1);
    // Ambiguous: the first try's answer was lost, so core may read the key back to tell its own write.
    expect({ code: error.code, ambiguous: error.ambiguous }).toEqual({ code: "Conflict", ambiguous: true });
    expect(Array.from((await direct.get("lock.json"))!.bytes)).toEqual([1]);
  });

  it("ends a compare-and-swap refused by a cut-short 412 as Conflict, keeping the blob", async () => {
    const { store, direct, truncated } = await storesCutting(naming("PUT", "state.json"));
    const stale = await direct.put("state.json", new Uint8Array([1]));
    await direct.put("state.json", new Uint8Array([2]));

    const error = await failureOf(() => store.put("state.json", new Uint8Array([3]), { ifMatch: stale }));

    expect(truncated()).toBe(1);
    expect(error.code).toBe("Conflict");
    expect(Array.from((await direct.get("state.json"))!.bytes)).toEqual([2]);
  });

  it("ends a delete refused by a cut-short 412 as Conflict, keeping the blob", async () => {
    const { store, direct, truncated } = await storesCutting(naming("DELETE", "state.json"));
    const stale = await direct.put("state.json", new Uint8Array([1]));
    await direct.put("state.json", new Uint8Array([2]));

    const error = await failureOf(() => store.delete("state.json", { ifMatch: stale }));

    expect(truncated()).toBe(1);
    expect(error.code).toBe("Conflict");
    expect(Array.from((await direct.get("state.json"))!.bytes)).toEqual([2]);
  });

  it("still reports a caller's abort as Canceled", () => {
    // cairn passes the SDK no abort signal today; should it ever, an abort is the caller's choice.
    expect(classifyAzblobError(Object.assign(new Error("The operation was aborted."), { name: "AbortError" }))).toBe("Canceled");
  });
});
