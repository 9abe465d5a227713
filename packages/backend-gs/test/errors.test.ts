import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, inject } from "vitest";
import { CairnError, isCairnError, type ErrorCode } from "@cairn/core";
import { classifyGsError, openGsStore, resolveGsAuth, parseGsUrl } from "../src/index.js";
import { CLEAN_ENV, testUrl } from "./helpers.js";

async function expectCode(promise: Promise<unknown>, code: ErrorCode, hint?: RegExp): Promise<CairnError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(isCairnError(error), `expected a CairnError ${code}, got ${String(error)}`).toBe(true);
  expect((error as CairnError).code).toBe(code);
  if (hint) expect((error as CairnError).hint).toMatch(hint);
  return error as CairnError;
}

describe("errors against the GCS test server", () => {
  it("a missing bucket is NotFound with a hint to create it, on read, write and list", async () => {
    const store = await openGsStore(testUrl("p", inject("gcsEndpoint"), "no-such-bucket"), CLEAN_ENV);
    const create = /gcloud storage buckets create gs:\/\/no-such-bucket/;
    const error = await expectCode(store.get("k"), "NotFound", create);
    expect(error.message).toContain("gs://no-such-bucket does not exist");
    await expectCode(store.put("k", new Uint8Array([1])), "NotFound", create);
    await expectCode(store.list(""), "NotFound", create);
  });

  it("a request the server refuses for missing credentials is Unauthenticated, naming the credential sources", async () => {
    const store = await openGsStore(testUrl("p", inject("gcsAuthEndpoint")), CLEAN_ENV);
    await expectCode(store.get("k"), "Unauthenticated", /GOOGLE_CREDENTIALS.*GOOGLE_APPLICATION_CREDENTIALS.*application-default login/);
    await expectCode(store.put("k", new Uint8Array([1])), "Unauthenticated");
  });

  it("an endpoint nobody listens on is Unavailable and retryable (after bounded retries)", async () => {
    const store = await openGsStore(new URL("gs://cairn-test/p?endpoint=http://127.0.0.1:1"), CLEAN_ENV);
    const error = await expectCode(store.get("k"), "Unavailable");
    expect(error.retryable).toBe(true);
  }, 20_000);

  it("a failed precondition is Conflict", async () => {
    const store = await openGsStore(testUrl(), CLEAN_ENV);
    await store.put("k", new Uint8Array([1]));
    await expectCode(store.put("k", new Uint8Array([2]), { ifNoneMatch: "*" }), "Conflict");
    await expectCode(store.delete("k", { ifMatch: "1" }), "Conflict");
    expect((await store.get("k"))?.bytes).toEqual(new Uint8Array([1]));
  });
});

describe("credential resolution", () => {
  const location = parseGsUrl(new URL("gs://b-1"));

  it("prefers anonymous, then GOOGLE_CREDENTIALS, then GOOGLE_APPLICATION_CREDENTIALS, then ADC", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cairn-gs-"));
    const keyFile = join(dir, "key.json");
    await writeFile(keyFile, "{}");
    const both = { GOOGLE_CREDENTIALS: '{"type":"service_account"}', GOOGLE_APPLICATION_CREDENTIALS: keyFile };
    expect(resolveGsAuth(parseGsUrl(new URL("gs://b-1?anonymous=true")), both).source).toBe("anonymous");
    expect(resolveGsAuth(location, both)).toEqual({ source: "env:GOOGLE_CREDENTIALS", credentials: { type: "service_account" } });
    expect(resolveGsAuth(location, { GOOGLE_APPLICATION_CREDENTIALS: keyFile })).toEqual({ source: "env:GOOGLE_APPLICATION_CREDENTIALS", keyFilename: keyFile });
    expect(resolveGsAuth(location, {}).source).toBe("gcp:application-default");
  });

  it("refuses GOOGLE_CREDENTIALS that is not JSON without echoing it", () => {
    const secret = "-----BEGIN PRIVATE KEY----- abc";
    try {
      resolveGsAuth(location, { GOOGLE_CREDENTIALS: secret });
      throw new Error("accepted");
    } catch (error) {
      expect(isCairnError(error, "Unauthenticated")).toBe(true);
      expect(`${(error as CairnError).message}${(error as CairnError).hint}`).not.toContain("PRIVATE KEY");
    }
  });

  it("refuses a GOOGLE_APPLICATION_CREDENTIALS file that does not exist", () => {
    expect(() => resolveGsAuth(location, { GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/key.json" })).toThrow(/does not exist/);
  });
});

describe("classifyGsError", () => {
  it("maps statuses and network errors to codes", () => {
    const api = (code: number, reason?: string) => Object.assign(new Error("x"), { code, errors: reason ? [{ reason }] : [] });
    expect(classifyGsError(api(412))).toBe("Conflict");
    expect(classifyGsError(api(409))).toBe("Conflict");
    expect(classifyGsError(api(401))).toBe("Unauthenticated");
    expect(classifyGsError(api(403))).toBe("PermissionDenied");
    expect(classifyGsError(api(403, "rateLimitExceeded"))).toBe("RateLimited");
    expect(classifyGsError(api(429))).toBe("RateLimited");
    expect(classifyGsError(api(503))).toBe("Unavailable");
    expect(classifyGsError(api(404))).toBe("NotFound");
    // GCS's exceptions to core's status table.
    expect(classifyGsError(api(304))).toBe("Conflict");
    expect(classifyGsError(api(504))).toBe("Unavailable");
    expect(classifyGsError(api(501))).toBe("Unimplemented");
    expect(classifyGsError(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toBe("Unavailable");
    expect(classifyGsError(new Error("Could not load the default credentials. Browse to ..."))).toBe("Unauthenticated");
    expect(classifyGsError(new Error("x"))).toBe("Internal");
  });
});
