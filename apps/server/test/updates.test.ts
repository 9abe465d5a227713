import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FileStore } from "@cairn/backend-file";
import { api, spawnServer, type SpawnedServer } from "../src/testing.js";
import { SAMPLE } from "./fixture.js";

let root: string;
let first: SpawnedServer;
let second: SpawnedServer;
const STACK = "/api/stacks/admin/app/dev";

/** Two instances over ONE data directory: every call below alternates between them. */
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cairn-server-updates-"));
  const data = pathToFileURL(join(root, "data")).href;
  first = await spawnServer({ data, home: root, args: ["--lease-seconds", "2"] });
  second = await spawnServer({ data, home: root, adminToken: first.adminToken, args: ["--lease-seconds", "2"] });
  expect((await call(first, "POST", "/api/stacks/admin/app", { stackName: "dev" })).status).toBe(200);
});
afterAll(async () => {
  await first?.stop();
  await second?.stop();
  rmSync(root, { recursive: true, force: true });
});

function call(server: SpawnedServer, method: string, path: string, body?: unknown, updateToken?: string) {
  return updateToken === undefined ? api(server.url, method, path, first.adminToken, body) : api(server.url, method, path, updateToken, body, "update-token");
}

function withCounter(value: number) {
  const copy = structuredClone(SAMPLE) as any;
  copy.deployment.resources[0].outputs = { ...copy.deployment.resources[0].outputs, counter: value };
  return copy;
}

/** Rewrites a lease record so that it ended a minute ago: the state its dead holder leaves behind. */
async function expireLease(key: string): Promise<void> {
  const store = new FileStore(join(root, "data"), pathToFileURL(join(root, "data")).href);
  const found = await store.get(key);
  expect(found, `no lease record at ${key}`).toBeDefined();
  const lease = JSON.parse(new TextDecoder().decode(found!.bytes)) as { expiresAt: number };
  await store.put(key, new TextEncoder().encode(JSON.stringify({ ...lease, expiresAt: Date.now() - 60_000 })), { ifMatch: found!.version });
}

async function startUpdate(server: SpawnedServer): Promise<{ path: string; token: string; version: number }> {
  const created = await call(server, "POST", `${STACK}/update`, { metadata: { message: "deploy" } });
  expect(created.status).toBe(200);
  const path = `${STACK}/update/${created.body.updateID}`;
  const started = await call(server, "POST", path, {});
  if (started.status !== 200) throw Object.assign(new Error("start failed"), { response: started });
  return { path, token: started.body.token, version: started.body.version };
}

it("runs the update lifecycle across instances: start on one, checkpoint and complete on the other; the other's start gets 409 naming the holder", async () => {
  const update = await startUpdate(first);
  const rival = await call(second, "POST", `${STACK}/update`, {});
  const refused = await call(second, "POST", `${STACK}/update/${rival.body.updateID}`, {});
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({ errorCode: "Locked", lock: { username: "admin", operation: "update" } });
  expect(refused.body.message).toContain("locked by admin@");

  expect((await call(second, "PATCH", `${update.path}/checkpoint`, { version: 3, deployment: withCounter(1).deployment }, update.token)).status).toBe(200);
  expect((await call(first, "PATCH", `${update.path}/checkpoint`, { version: 3, deployment: withCounter(1).deployment }, "wrong-token")).status).toBe(401);
  expect((await call(first, "POST", `${update.path}/renew_lease`, { duration: 2 }, update.token)).status).toBe(200);
  expect((await call(second, "POST", `${update.path}/complete`, { status: "succeeded" }, update.token)).status).toBe(200);
  // Completed: the token no longer writes.
  expect((await call(first, "PATCH", `${update.path}/checkpoint`, { version: 3, deployment: SAMPLE.deployment }, update.token)).status).toBe(409);
  expect((await call(first, "GET", `${STACK}/export`)).body).toEqual(withCounter(1));
});

it("interleaved imports through both instances lose nothing, and history lists every one newest first, with paging and export by version", async () => {
  const before = (await call(first, "GET", `${STACK}/updates?pageSize=500`)).body.updates.length;
  for (let i = 2; i <= 7; i++) {
    const server = i % 2 === 0 ? first : second;
    expect((await call(server, "POST", `${STACK}/import`, withCounter(i))).status).toBe(200);
  }
  const all = (await call(second, "GET", `${STACK}/updates?pageSize=500`)).body.updates;
  expect(all).toHaveLength(before + 6);
  expect(all.map((u: { version: number }) => u.version)).toEqual([...all.map((u: { version: number }) => u.version)].sort((a, b) => b - a));
  const page2 = (await call(first, "GET", `${STACK}/updates?page=2&pageSize=2`)).body.updates;
  expect(page2.map((u: { version: number }) => u.version)).toEqual([all[2].version, all[3].version]);
  expect(all[0]).toMatchObject({ kind: "import", result: "succeeded", user: "admin", resourceCount: SAMPLE.deployment.resources instanceof Array ? (SAMPLE.deployment.resources as unknown[]).length : 0 });
  const third = all.find((u: { version: number }) => u.version === all[0].version - 2);
  expect((await call(second, "GET", `${STACK}/export/${third.version}`)).body).toEqual(withCounter(5));
  expect((await call(first, "GET", `${STACK}/export`)).body).toEqual(withCounter(7));
});

it("an expired lease is taken over; the old holder can no longer write", async () => {
  const abandoned = await startUpdate(first);
  const blocked = await startUpdate(second).catch((error: { response: { status: number } }) => error.response);
  expect((blocked as { status: number }).status).toBe(409);
  // The abandoned client stops renewing; instead of waiting out its lease, move the lease's end
  // into the past, as a client that died a while ago leaves it (both instances read the record).
  await expireLease("server/leases/admin/app/dev.json");
  const successor = await startUpdate(second);
  expect((await call(first, "PATCH", `${abandoned.path}/checkpoint`, { version: 3, deployment: SAMPLE.deployment }, abandoned.token)).status).toBe(409);
  expect((await call(first, "POST", `${successor.path}/complete`, { status: "succeeded" }, successor.token)).status).toBe(200);
});

it("cancel ends a running update and frees the stack", async () => {
  const running = await startUpdate(first);
  const cancelled = await call(second, "POST", `${STACK}/cancel`, {});
  expect(cancelled.body.holders).toEqual([expect.objectContaining({ username: "admin", key: running.path.split("/").at(-1) })]);
  expect((await call(first, "PATCH", `${running.path}/checkpoint`, { version: 3, deployment: SAMPLE.deployment }, running.token)).status).toBe(409);
  const next = await startUpdate(second);
  expect((await call(second, "POST", `${next.path}/complete`, { status: "succeeded" }, next.token)).status).toBe(200);
});
