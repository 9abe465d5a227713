import { randomBytes, randomUUID } from "node:crypto";
import { isCairnError } from "@cairn/core";
import { requestNamesKey } from "@cairn/test-servers/answer-loser";
import { startFaultProxy, type FaultCandidate, type FaultProxy } from "@cairn/test-servers/fault-proxy";
import { afterEach, describe, expect, inject, it } from "vitest";
import { openTestStore, testUrl } from "./helpers.js";

// The fault proxy's `truncate`: the status line and headers (with the announced length) arrive,
// then part of the body, then the connection closes. The call must then fail promptly as a
// retryable Unavailable and be retried by the store, never wait forever (every SDK call did, its
// transport missing the abort: issue 14). A hang fails these tests by their timeout.
const PROMPTLY_MS = 15_000;

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** A store through a proxy that cuts short the answers to the next `times` requests `aimed` selects. */
async function storeCutting(prefix: string, aimed: (request: FaultCandidate) => boolean, times = 1) {
  let left = times;
  proxy = await startFaultProxy({
    target: inject("gcsEndpoint"),
    seed: 7,
    faults: { truncate: 1 },
    filter: (request) => {
      if (left === 0 || !aimed(request)) return false;
      left--;
      return true;
    },
  });
  return openTestStore(testUrl(prefix, proxy.url));
}

const downloadOf = (key: string) => ({ method, path }: FaultCandidate) => method === "GET" && path.includes("alt=media") && requestNamesKey(path, key);
const storeCuttingDownloads = (prefix: string, key: string, times: number) => storeCutting(prefix, downloadOf(key), times);

describe("GsStore.get when a download is cut short", () => {
  it("retries and returns the whole object and its generation", { timeout: PROMPTLY_MS }, async () => {
    const prefix = `t-${randomUUID()}`;
    const direct = await openTestStore(testUrl(prefix));
    const bytes = new Uint8Array(randomBytes(256 * 1024));
    const version = await direct.put("state.json", bytes);
    const store = await storeCuttingDownloads(prefix, "state.json", 1);

    const read = await store.get("state.json");

    expect(proxy!.stats().faults.truncate).toBe(1);
    expect(read?.version).toBe(version);
    expect(Buffer.from(read!.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it("fails with a retryable Unavailable once every try was cut short", { timeout: PROMPTLY_MS }, async () => {
    const prefix = `t-${randomUUID()}`;
    await (await openTestStore(testUrl(prefix))).put("state.json", new Uint8Array(randomBytes(64 * 1024)));
    const store = await storeCuttingDownloads(prefix, "state.json", Number.POSITIVE_INFINITY);

    const failure = await store.get("state.json").then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(isCairnError(failure) ? { code: failure.code, retryable: failure.retryable } : failure).toEqual({ code: "Unavailable", retryable: true });
    expect((failure as Error).message).toMatch(/cut short/);
    // Every try of withRetry's budget reached the server and was cut short: each was retried.
    expect(proxy!.stats().faults.truncate).toBeGreaterThan(1);
  });

  it("retries a cut-short 404 and reports the key missing", { timeout: PROMPTLY_MS }, async () => {
    const store = await storeCuttingDownloads(`t-${randomUUID()}`, "absent.json", 1);

    expect(await store.get("absent.json")).toBeUndefined();
    expect(proxy!.stats().faults.truncate).toBe(1);
  });
});

describe("GsStore writes and lists when the answer is cut short", () => {
  const uploadOf = (key: string) => ({ method, path }: FaultCandidate) => method === "POST" && requestNamesKey(path, key);

  it("retries an upload whose answer was cut short, and returns the generation stored", { timeout: PROMPTLY_MS }, async () => {
    const prefix = `t-${randomUUID()}`;
    const store = await storeCutting(prefix, uploadOf("state.json"));

    const version = await store.put("state.json", new Uint8Array([1, 2, 3]));

    expect(proxy!.stats().faults.truncate).toBe(1);
    const stored = await (await openTestStore(testUrl(prefix))).get("state.json");
    expect({ version: stored?.version, bytes: Array.from(stored!.bytes) }).toEqual({ version, bytes: [1, 2, 3] });
  });

  it("reports a conditional create that landed but whose answer was cut short as an ambiguous Conflict (for core to read back)", { timeout: PROMPTLY_MS }, async () => {
    const prefix = `t-${randomUUID()}`;
    const store = await storeCutting(prefix, uploadOf("lock.json"));

    const failure = await store.put("lock.json", new Uint8Array([7]), { ifNoneMatch: "*" }).then(() => undefined, (error: unknown) => error);

    expect(proxy!.stats().faults.truncate).toBe(1);
    expect(isCairnError(failure) ? { code: failure.code, ambiguous: failure.ambiguous } : failure).toEqual({ code: "Conflict", ambiguous: true });
    expect(Array.from((await (await openTestStore(testUrl(prefix))).get("lock.json"))!.bytes)).toEqual([7]);
  });

  it("ends a delete refused by a cut-short 412 as Conflict, keeping the object", { timeout: PROMPTLY_MS }, async () => {
    const prefix = `t-${randomUUID()}`;
    const direct = await openTestStore(testUrl(prefix));
    const stale = await direct.put("state.json", new Uint8Array([1]));
    await direct.put("state.json", new Uint8Array([2]));
    const store = await storeCutting(prefix, ({ method, path }) => method === "DELETE" && requestNamesKey(path, "state.json"));

    const failure = await store.delete("state.json", { ifMatch: stale }).then(() => undefined, (error: unknown) => error);

    expect(proxy!.stats().faults.truncate).toBe(1);
    expect(isCairnError(failure) ? failure.code : failure).toBe("Conflict");
    expect(Array.from((await direct.get("state.json"))!.bytes)).toEqual([2]);
  });

  it("retries a cut-short list", { timeout: PROMPTLY_MS }, async () => {
    const prefix = `t-${randomUUID()}`;
    await (await openTestStore(testUrl(prefix))).put("a.json", new Uint8Array([1]));
    const store = await storeCutting(prefix, ({ method, path }) => method === "GET" && !path.includes("alt=media"));

    const page = await store.list("");

    expect(proxy!.stats().faults.truncate).toBe(1);
    expect(page.objects.map((object) => object.key)).toEqual(["a.json"]);
  });
});
