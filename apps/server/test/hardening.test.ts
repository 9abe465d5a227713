import { afterAll, beforeAll, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { SAMPLE, startFixture, type Fixture } from "./fixture.js";

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture();
  await fixture.call("POST", "/api/stacks/admin/app", { stackName: "dev" });
});
afterAll(() => fixture?.dispose());

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

function snapshot(): string {
  return allFiles(fixture.dataDir)
    .filter((path) => !path.includes("/server/tokens/")) // last-used times may be recorded
    .sort()
    .map((path) => `${path}:${readFileSync(path).toString("base64")}`)
    .join("\n");
}

it("malformed, mis-shaped, invalid and oversized bodies are 4xx JSON errors and write nothing", async () => {
  const before = snapshot();
  const cases: Array<[string, string, unknown, number]> = [
    ["POST", "/api/stacks/admin/app/dev/import", "{not json", 400],
    ["POST", "/api/stacks/admin/app/dev/import", [1, 2], 400],
    ["POST", "/api/stacks/admin/app/dev/import", { version: 3, deployment: { resources: [{ urn: 42 }] } }, 400],
    ["POST", "/api/stacks/admin/app", { stackName: 7 }, 400],
    ["POST", "/api/stacks/admin/app", "null", 400],
    ["POST", "/api/user/tokens", { description: ["x"] }, 400],
    ["POST", "/api/stacks/admin/app/dev/encrypt", { plaintext: "not base64!" }, 400],
    ["POST", "/api/stacks/admin/app/dev/import", { version: 3, deployment: { manifest: SAMPLE.deployment.manifest, junk: "x".repeat(65 * 1024 * 1024) } }, 413],
  ];
  for (const [method, path, body, status] of cases) {
    const response = await fixture.call(method, path, body);
    expect(response.status, `${method} ${path}`).toBe(status);
    expect(response.body, `${method} ${path}`).toMatchObject({ code: status, message: expect.any(String) });
  }
  expect(snapshot()).toBe(before);
});

it("path traversal in any name is 400 and writes nothing", async () => {
  const before = snapshot();
  for (const path of [
    "/api/stacks/admin/..%2F..%2Fserver/dev",
    "/api/stacks/admin/app/..",
    "/api/stacks/..%2Fserver/app/dev/export",
    "/api/stacks/admin/app/%2E%2E/import",
    "/api/stacks/admin/app/../../../server/users/admin.json",
  ]) {
    const response = await rawRequest(path.endsWith("import") ? "POST" : "GET", path, path.endsWith("import") ? JSON.stringify(SAMPLE) : undefined);
    expect(response.status, path).toBe(400);
    expect(response.body.code, path).toBe(400);
  }
  expect((await fixture.call("POST", "/api/stacks/admin/app", { stackName: "../../escape" })).status).toBe(400);
  expect(snapshot()).toBe(before);
});

/** A request with the path exactly as written (fetch would resolve `..` before sending). */
function rawRequest(method: string, path: string, body?: string): Promise<{ status: number; body: any }> {
  const url = new URL(fixture.server.url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, method, path, headers: { authorization: `token ${fixture.server.adminToken}` } }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

it("unknown routes are a 404 JSON error; /healthz answers without a token", async () => {
  expect((await fixture.call("GET", "/api/nothing-here")).body).toMatchObject({ code: 404 });
  expect((await fetch(`${fixture.server.url}/healthz`).then((r) => r.json()))).toEqual({ status: "ok" });
});

it("state is encrypted at rest; encrypt/decrypt round-trips per stack only", async () => {
  expect((await fixture.call("POST", "/api/stacks/admin/app/dev/import", SAMPLE)).status).toBe(200);
  const stackFiles = allFiles(join(fixture.dataDir, "state")).filter((path) => path.includes("/stacks/") || path.includes("/history/"));
  expect(stackFiles.length).toBeGreaterThan(0);
  for (const path of stackFiles) {
    const bytes = readFileSync(path, "utf8");
    expect(bytes.startsWith("CAIRNENC1\n"), path).toBe(true);
    expect(bytes).not.toContain("urn:pulumi");
  }
  expect((await fixture.call("GET", "/api/stacks/admin/app/dev/export")).body).toEqual(SAMPLE);

  const plaintext = Buffer.from('"hunter2"').toString("base64");
  const { body } = await fixture.call("POST", "/api/stacks/admin/app/dev/encrypt", { plaintext });
  expect(body.ciphertext).not.toContain("hunter2");
  expect((await fixture.call("POST", "/api/stacks/admin/app/dev/decrypt", { ciphertext: body.ciphertext })).body.plaintext).toBe(plaintext);
  await fixture.call("POST", "/api/stacks/admin/app", { stackName: "other" });
  expect((await fixture.call("POST", "/api/stacks/admin/app/other/decrypt", { ciphertext: body.ciphertext })).status).toBe(400);
});

it("logs are JSON lines and never contain a token", async () => {
  const logs = fixture.server.logs();
  const lines = logs.trim().split("\n");
  expect(lines.length).toBeGreaterThan(5);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  expect(logs).not.toContain(fixture.server.adminToken);
});
