import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGcsServer, type RunningGcsServer } from "../src/gcs.js";

// fake-gcs-server behind the front (see src/gcs.ts), checked against GCS's JSON API documentation:
// generation preconditions answer 412, a conditional delete is decided on the live generation,
// and an unknown caller is 401 when tokens are required.
let server: RunningGcsServer;
let counter = 0;
beforeAll(async () => {
  server = await startGcsServer({ buckets: ["bucket-one"] });
}, 60_000);
afterAll(() => server?.close());

const api = (path: string, init?: RequestInit, endpoint = server.endpoint) => fetch(`${endpoint}${path}`, init);
const fresh = () => `obj-${++counter}-${Date.now()}`;
const upload = async (name: string, body: string, query = "") => {
  const response = await api(`/upload/storage/v1/b/bucket-one/o?uploadType=media&name=${encodeURIComponent(name)}${query}`, { method: "POST", body });
  const json = (await response.json()) as { generation?: string; error?: { code: number } };
  return { status: response.status, generation: json.generation };
};
const objectPath = (name: string) => `/storage/v1/b/bucket-one/o/${encodeURIComponent(name)}`;

describe("fake-gcs-server through cairn's front", () => {
  it("ifGenerationMatch=0 creates only: 200, then 412 when the object exists", async () => {
    const name = fresh();
    expect((await upload(name, "one", "&ifGenerationMatch=0")).status).toBe(200);
    expect((await upload(name, "two", "&ifGenerationMatch=0")).status).toBe(412);
    expect(await (await api(`${objectPath(name)}?alt=media`)).text()).toBe("one");
  });

  it("ifGenerationMatch=<generation> is compare-and-swap: the stale generation is 412", async () => {
    const name = fresh();
    const first = await upload(name, "one");
    const second = await upload(name, "two", `&ifGenerationMatch=${first.generation}`);
    expect(second.status).toBe(200);
    expect((await upload(name, "three", `&ifGenerationMatch=${first.generation}`)).status).toBe(412);
    expect(await (await api(`${objectPath(name)}?alt=media`)).text()).toBe("two");
  });

  it("of racing create-only uploads exactly one wins, the others are 412", async () => {
    const name = fresh();
    const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => upload(name, `writer ${i}`, "&ifGenerationMatch=0").then((r) => r.status)));
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200).every((status) => status === 412)).toBe(true);
  });

  it("a delete with a stale ifGenerationMatch is 412 and keeps the object; the live one deletes it", async () => {
    const name = fresh();
    const first = await upload(name, "one");
    const second = await upload(name, "two");
    const stale = await api(`${objectPath(name)}?ifGenerationMatch=${first.generation}`, { method: "DELETE" });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ error: { code: 412, errors: [{ reason: "conditionNotMet" }] } });
    expect(await (await api(`${objectPath(name)}?alt=media`)).text()).toBe("two");
    // GCS answers 204; fake-gcs-server 200 with an empty body (the SDK takes either).
    expect((await api(`${objectPath(name)}?ifGenerationMatch=${second.generation}`, { method: "DELETE" })).ok).toBe(true);
    expect((await api(objectPath(name))).status).toBe(404);
    expect((await api(`${objectPath(name)}?ifGenerationMatch=${second.generation}`, { method: "DELETE" })).status).toBe(404);
  });

  it("delete preconditions the front cannot decide are refused, not ignored", async () => {
    const name = fresh();
    const { generation } = await upload(name, "one");
    expect((await api(`${objectPath(name)}?ifGenerationMatch=${generation}&ifMetagenerationMatch=1`, { method: "DELETE" })).status).toBe(501);
    expect((await api(objectPath(name))).status).toBe(200);
  });

  it("a resumable upload session's Location points at the front", async () => {
    const name = fresh();
    const started = await api(`/upload/storage/v1/b/bucket-one/o?uploadType=resumable&name=${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    expect(started.status).toBe(200);
    const location = started.headers.get("location")!;
    expect(location.startsWith(`${server.endpoint}/`)).toBe(true);
    expect((await fetch(location, { method: "PUT", body: "resumed" })).status).toBe(200);
    expect(await (await api(`${objectPath(name)}?alt=media`)).text()).toBe("resumed");
  });

  it("a 404 says whether the bucket or the object is missing, in GCS's words and error shape", async () => {
    for (const path of ["/storage/v1/b/no-such-bucket/o/k", "/storage/v1/b/no-such-bucket/o/k?alt=media", "/storage/v1/b/no-such-bucket/o?prefix=a"]) {
      const missing = await api(path);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: { code: 404, message: "The specified bucket does not exist.", errors: [{ message: "The specified bucket does not exist.", domain: "global", reason: "notFound" }] } });
    }
    const object = await api("/storage/v1/b/bucket-one/o/never-written?alt=media");
    expect(object.status).toBe(404);
    expect(await object.json()).toMatchObject({ error: { code: 404, message: "No such object: bucket-one/never-written" } });
  });

  it("with accessTokens, no or an unknown bearer token is 401; a known one is served", async () => {
    const guarded = await startGcsServer({ buckets: ["bucket-two"], accessTokens: ["good"] });
    try {
      const path = "/storage/v1/b/bucket-two/o";
      const anonymous = await api(path, undefined, guarded.endpoint);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: { code: 401, errors: [{ reason: "required" }] } });
      expect((await api(path, { headers: { authorization: "Bearer bad" } }, guarded.endpoint)).status).toBe(401);
      expect((await api(path, { headers: { authorization: "Bearer good" } }, guarded.endpoint)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
