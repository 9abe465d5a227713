import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "@cairn/test-servers/ports";
import { classifyS3Error } from "../src/index.js";
import { s3Failure } from "../src/s3-errors.js";
import { openTestStore, server, serverEnv, serverUrl } from "./helpers.js";
import { cairnErrorFrom } from "@cairn/conformance";

const text = (value: string) => new TextEncoder().encode(value);

/** A raw SDK client on the test server, to see what the server itself answers. */
const raw = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  forcePathStyle: true,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
afterAll(() => raw.destroy());

describe("errors from the real server", () => {
  it("a missing bucket is NotFound with a hint to create it or check the name/region", async () => {
    const store = await openTestStore(serverUrl("p", "no-such-bucket"));
    const error = await cairnErrorFrom(() => store.get("k"));
    expect(error.code).toBe("NotFound");
    expect(error.hint).toContain("create the bucket or check the name/region");
    expect((await cairnErrorFrom(() => store.put("k", text("x")))).code).toBe("NotFound");
    await store.close();
  });

  it("an unknown access key is Unauthenticated, the hint names the credential sources, no secret is echoed", async () => {
    const store = await openTestStore(serverUrl(), { ...serverEnv, AWS_ACCESS_KEY_ID: "AKIAWRONGKEY", AWS_SECRET_ACCESS_KEY: "wrong-secret-value" });
    const error = await cairnErrorFrom(() => store.put("k", text("x")));
    expect(error.code).toBe("Unauthenticated");
    expect(error.hint).toContain("AWS_ACCESS_KEY_ID");
    expect(`${error.message} ${error.hint}`).not.toContain("wrong-secret-value");
    await store.close();
  });

  it("anonymous=true sends unsigned requests, which a private bucket refuses with AccessDenied (PermissionDenied)", async () => {
    const store = await openTestStore(serverUrl(undefined, undefined, "&anonymous=true"), {});
    // Not InvalidAccessKeyId or SignatureDoesNotMatch (what a signed request with bad keys gets).
    const error = await cairnErrorFrom(() => store.put("public", text("open")));
    expect(error.code).toBe("PermissionDenied");
    expect((await cairnErrorFrom(() => store.get("public"))).code).toBe("PermissionDenied");
    await store.close();
  });

  it("an endpoint nobody listens on is Unavailable with a hint to check the endpoint", async () => {
    const port = await freePort();
    const url = `s3://b/p?endpoint=127.0.0.1:${port}&disable_https=true&use_path_style=true`;
    const store = await openTestStore(url);
    const error = await cairnErrorFrom(() => store.get("k"));
    expect(error.code).toBe("Unavailable");
    expect(error.hint).toContain("endpoint");
    await store.close();
  });

  it("a wrong secret for a known access key is Unauthenticated (SignatureDoesNotMatch), no secret is echoed", async () => {
    const store = await openTestStore(serverUrl(), { ...serverEnv, AWS_SECRET_ACCESS_KEY: "wrong-secret-value" });
    const error = await cairnErrorFrom(() => store.put("k", text("x")));
    expect(error.code).toBe("Unauthenticated");
    expect(`${error.message} ${error.hint}`).not.toContain("wrong-secret-value");
    await store.close();
  });

  it("the server answers like AWS: 412 PreconditionFailed, and 404 NoSuchKey for If-Match on a missing key", async () => {
    const Key = `raw-${Date.now()}`;
    await raw.send(new PutObjectCommand({ Bucket: server.bucket, Key, Body: "one" }));
    const exists = await raw.send(new PutObjectCommand({ Bucket: server.bucket, Key, Body: "two", IfNoneMatch: "*" })).catch((e: unknown) => e);
    expect(exists).toMatchObject({ name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } });
    expect(classifyS3Error(exists)).toBe("Conflict");
    const stale = await raw.send(new PutObjectCommand({ Bucket: server.bucket, Key, Body: "two", IfMatch: '"0123"' })).catch((e: unknown) => e);
    expect(stale).toMatchObject({ name: "PreconditionFailed" });
    const missing = await raw.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${Key}-missing`, Body: "x", IfMatch: '"0123"' })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
    const body = await (await raw.send(new GetObjectCommand({ Bucket: server.bucket, Key }))).Body?.transformToString();
    expect(body).toBe("one");
  });

  it("reads objects other tools wrote (no write id): the bare ETag is the version and works for compare-and-swap", async () => {
    const prefix = `t-foreign-${Date.now()}`;
    await raw.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/.pulumi/x.json`, Body: "{}" }));
    const store = await openTestStore(serverUrl(prefix));
    const found = await store.get(".pulumi/x.json");
    expect(found?.version).toMatch(/^[0-9a-f]{32}$/);
    await expect(store.put(".pulumi/x.json", text('{"a":1}'), { ifMatch: "0".repeat(32) })).rejects.toMatchObject({ code: "Conflict" });
    await store.put(".pulumi/x.json", text('{"a":1}'), { ifMatch: found!.version });
    await expect(store.delete(".pulumi/never", { ifMatch: found!.version })).rejects.toMatchObject({ code: "Conflict" });
    await store.close();
  });
});

describe("classifyS3Error / s3Failure for answers the test server does not produce", () => {
  const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

  it.each([
    ["ConditionalRequestConflict", 409, "Conflict"],
    ["PreconditionFailed", 412, "Conflict"],
    ["AccessDenied", 403, "PermissionDenied"],
    ["ExpiredToken", 400, "Unauthenticated"],
    ["SignatureDoesNotMatch", 403, "Unauthenticated"],
    ["SlowDown", 503, "RateLimited"],
    ["InternalError", 500, "Unavailable"],
    ["PermanentRedirect", 301, "InvalidArgument"],
    ["SomethingNew", 503, "Unavailable"],
    ["SomethingElse", 418, "Internal"],
    // S3's exceptions to core's status table: a bare 408 and an unlisted 5xx are not S3 speaking.
    ["Unknown", 408, "Internal"],
    ["Unknown", 507, "Internal"],
    ["Unknown", 504, "Timeout"],
    ["Unknown", 301, "InvalidArgument"],
  ] as const)("%s (%i) → %s", (name, status, code) => {
    expect(classifyS3Error(sdkError(name, status))).toBe(code);
  });

  it("marks throttling, 5xx and resets retryable, and not denials", () => {
    expect(s3Failure(sdkError("SlowDown", 503), "put", "b", "k").retryable).toBe(true);
    expect(s3Failure(sdkError("InternalError", 500), "put", "b", "k").retryable).toBe(true);
    expect(s3Failure(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "get", "b", "k").retryable).toBe(true);
    expect(s3Failure(sdkError("AccessDenied", 403), "get", "b", "k").retryable).toBe(false);
    expect(s3Failure(sdkError("AccessDenied", 403), "get", "b", "k").hint).toContain("s3:GetObject");
  });

  it("says what to do about the wrong region and a missing region", () => {
    expect(s3Failure(sdkError("PermanentRedirect", 301), "get", "b", "k").hint).toContain("?region=");
    const missing = s3Failure(new Error("Region is missing"), "get", "b", "k");
    expect(missing.code).toBe("InvalidArgument");
    expect(missing.hint).toContain("region");
  });
});
