import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc32cBase64, startGcsServer, type RunningGcsServer } from "../src/gcs.js";

// Checked against the JSON API documentation (cloud.google.com/storage/docs/json_api): upload
// types, generation preconditions (412 conditionNotMet, 304 for ifGenerationNotMatch on reads),
// error body shape, and paged listing with prefixes.
let server: RunningGcsServer;
let bucketCounter = 0;
beforeAll(async () => {
  server = await startGcsServer({ buckets: ["b"] });
});
afterAll(() => server.close());

const api = (path: string, init?: RequestInit) => fetch(`${server.endpoint}${path}`, init);
const upload = (bucket: string, name: string, body: string, query = "") =>
  api(`/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(name)}${query}`, { method: "POST", body });
async function freshBucket(): Promise<string> {
  const name = `bucket-${++bucketCounter}`;
  expect((await api("/storage/v1/b?project=p", { method: "POST", body: JSON.stringify({ name }) })).status).toBe(200);
  return name;
}
async function listAll(bucket: string, query: string): Promise<{ items: string[]; prefixes: string[]; pages: number }> {
  const items: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = (await (await api(`/storage/v1/b/${bucket}/o?${query}${token ? `&pageToken=${token}` : ""}`)).json()) as { items?: Array<{ name: string }>; prefixes?: string[]; nextPageToken?: string };
    items.push(...(page.items ?? []).map((item) => item.name));
    prefixes.push(...(page.prefixes ?? []));
    token = page.nextPageToken;
    pages++;
  } while (token !== undefined);
  return { items, prefixes, pages };
}

describe("GCS JSON-API test server", () => {
  it("computes CRC32C like GCS (the RFC 3720 check value)", () => {
    expect(Buffer.from(crc32cBase64(Buffer.from("123456789")), "base64").readUInt32BE()).toBe(0xe3069283);
  });

  it("creates and gets buckets; a duplicate is 409, a missing one 404 with GCS's error shape", async () => {
    const name = await freshBucket();
    expect((await api(`/storage/v1/b/${name}`)).status).toBe(200);
    expect((await api("/storage/v1/b", { method: "POST", body: JSON.stringify({ name }) })).status).toBe(409);
    const missing = await api("/storage/v1/b/nope/o/x");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 404, message: "The specified bucket does not exist.", errors: [{ message: "The specified bucket does not exist.", domain: "global", reason: "notFound" }] } });
  });

  it("media upload then alt=media download round-trips bytes with generation and hash headers", async () => {
    const created = (await (await upload("b", "dir/a b.txt", "hello")).json()) as { generation: string; metageneration: string; size: string };
    expect(created).toMatchObject({ metageneration: "1", size: "5" });
    const media = await api(`/storage/v1/b/b/o/${encodeURIComponent("dir/a b.txt")}?alt=media`);
    expect(await media.text()).toBe("hello");
    expect(media.headers.get("x-goog-generation")).toBe(created.generation);
    expect(media.headers.get("x-goog-hash")).toBe(`crc32c=${crc32cBase64(Buffer.from("hello"))},md5=XUFAKrxLKna5cZ2REBfFkg==`);
  });

  it("multipart upload keeps the metadata part and the exact media bytes", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const boundary = "xyz";
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-type: application/json\r\n\r\n${JSON.stringify({ name: "mp", contentType: "application/x-test", metadata: { k: "v" } })}\r\n--${boundary}\r\ncontent-type: application/x-test\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--`),
    ]);
    const res = await api("/upload/storage/v1/b/b/o?uploadType=multipart", { method: "POST", body, headers: { "content-type": `multipart/related; boundary=${boundary}` } });
    expect(await res.json()).toMatchObject({ name: "mp", contentType: "application/x-test", metadata: { k: "v" }, size: "256" });
    expect(Buffer.from(await (await api("/storage/v1/b/b/o/mp?alt=media")).arrayBuffer())).toEqual(bytes);
  });

  it("ifGenerationMatch=0 creates once: the second is 412 conditionNotMet; 16 racers have one winner", async () => {
    expect((await upload("b", "once", "1", "&ifGenerationMatch=0")).status).toBe(200);
    const second = await upload("b", "once", "2", "&ifGenerationMatch=0");
    expect(second.status).toBe(412);
    expect(((await second.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]!.reason).toBe("conditionNotMet");
    const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => upload("b", "race", String(i), "&ifGenerationMatch=0").then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(15);
  });

  it("compare-and-swap by generation; every write gets a new generation", async () => {
    const first = (await (await upload("b", "cas", "1")).json()) as { generation: string };
    const second = (await (await upload("b", "cas", "2", `&ifGenerationMatch=${first.generation}`)).json()) as { generation: string };
    expect(BigInt(second.generation)).toBeGreaterThan(BigInt(first.generation));
    expect((await upload("b", "cas", "3", `&ifGenerationMatch=${first.generation}`)).status).toBe(412);
    expect((await upload("b", "cas", "3", "&ifMetagenerationMatch=7")).status).toBe(412);
  });

  it("reads: 304 for ifGenerationNotMatch on the current generation, 412 for a stale ifGenerationMatch, 404 notFound", async () => {
    const { generation } = (await (await upload("b", "r", "x")).json()) as { generation: string };
    const notModified = await api(`/storage/v1/b/b/o/r?alt=media&ifGenerationNotMatch=${generation}`);
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
    expect((await api("/storage/v1/b/b/o/r?ifGenerationMatch=1")).status).toBe(412);
    const missing = await api("/storage/v1/b/b/o/absent");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe("No such object: b/absent");
  });

  it("deletes with preconditions: stale 412 keeps the object, then 204, then 404", async () => {
    const { generation } = (await (await upload("b", "d", "x")).json()) as { generation: string };
    expect((await api("/storage/v1/b/b/o/d?ifGenerationMatch=1", { method: "DELETE" })).status).toBe(412);
    expect((await api(`/storage/v1/b/b/o/d?ifGenerationMatch=${generation}`, { method: "DELETE" })).status).toBe(204);
    expect((await api("/storage/v1/b/b/o/d", { method: "DELETE" })).status).toBe(404);
  });

  it("resumable upload checks preconditions when the session opens and again when it finalises", async () => {
    const open = (name: string, query = "") => api(`/upload/storage/v1/b/b/o?uploadType=resumable${query}`, { method: "POST", body: JSON.stringify({ name }) });
    await upload("b", "exists", "x");
    expect((await open("exists", "&ifGenerationMatch=0")).status).toBe(412);

    const session = await open("later", "&ifGenerationMatch=0");
    expect(session.status).toBe(200);
    const location = session.headers.get("location")!;
    const partial = await fetch(location, { method: "PUT", body: "abc", headers: { "content-range": "bytes 0-2/*" } });
    expect(partial.status).toBe(308);
    expect(partial.headers.get("range")).toBe("bytes=0-2");
    await upload("b", "later", "someone else"); // the precondition no longer holds
    expect((await fetch(location, { method: "PUT", body: "def", headers: { "content-range": "bytes 3-5/6" } })).status).toBe(412);

    const ok = await open("fresh", "&ifGenerationMatch=0");
    expect((await fetch(ok.headers.get("location")!, { method: "PUT", body: "abcdef", headers: { "content-range": "bytes 0-5/6" } })).status).toBe(200);
    expect(await (await api("/storage/v1/b/b/o/fresh?alt=media")).text()).toBe("abcdef");
  });

  it("rewrite and copy duplicate an object, honouring destination preconditions", async () => {
    await upload("b", "src", "payload");
    const rewrite = await api("/storage/v1/b/b/o/src/rewriteTo/b/b/o/dst?ifGenerationMatch=0", { method: "POST" });
    expect(await rewrite.json()).toMatchObject({ kind: "storage#rewriteResponse", done: true, resource: { name: "dst" } });
    expect((await api("/storage/v1/b/b/o/src/copyTo/b/b/o/dst?ifGenerationMatch=0", { method: "POST" })).status).toBe(412);
    expect(await (await api("/storage/v1/b/b/o/dst?alt=media")).text()).toBe("payload");
  });

  it("pages a listing: sorted, every name once, prefix exact", async () => {
    const bucket = await freshBucket();
    const names = Array.from({ length: 25 }, (_, i) => `p/${String(i).padStart(2, "0")}`);
    for (const name of [...names, "q/other", "p"]) await upload(bucket, name, "x");
    const listed = await listAll(bucket, "prefix=p/&maxResults=7");
    expect(listed.items).toEqual(names);
    expect(listed.pages).toBe(4);
  });

  it("pages with a delimiter: a page never splits or repeats a prefix group, and maxResults counts prefixes", async () => {
    const bucket = await freshBucket();
    const names = ["a/1", "a/2", "a/3", "b", "c/1", "c/2", "d", "e/x/1", "f"];
    for (const name of names) await upload(bucket, name, "x");
    for (const max of [1, 2, 3, 100]) {
      const listed = await listAll(bucket, `delimiter=/&maxResults=${max}`);
      expect(listed.prefixes).toEqual(["a/", "c/", "e/"]);
      expect(listed.items).toEqual(["b", "d", "f"]);
      expect(listed.pages).toBe(Math.ceil(6 / max));
    }
  });

  it("answers 401 with GCS's shape when access tokens are required", async () => {
    const guarded = await startGcsServer({ buckets: ["b"], accessTokens: ["good"] });
    try {
      expect((await fetch(`${guarded.endpoint}/storage/v1/b/b`)).status).toBe(401);
      expect((await fetch(`${guarded.endpoint}/storage/v1/b/b`, { headers: { authorization: "Bearer bad" } })).status).toBe(401);
      expect((await fetch(`${guarded.endpoint}/storage/v1/b/b`, { headers: { authorization: "Bearer good" } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
