import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { restoreMessage } from "@cairn/core";
import type { StateStore } from "@cairn/core/driver";
import { openDataStore } from "../src/data-store.js";
import { silentLogger } from "../src/log.js";
import { JsonRecords } from "../src/records/json-records.js";
import { StackSealedRecords } from "../src/records/stack-sealed-records.js";
import { startServer, type RunningServer } from "../src/server.js";
import { DataKeys } from "../src/state/data-keys.js";
import { parseMasterKey } from "../src/state/master-key.js";
import { OrgState } from "../src/state/org-state.js";
import { api, TEST_MASTER_KEY } from "../src/testing.js";
import { UpdateEvents } from "../src/updates/events.js";
import { UpdateJournal } from "../src/updates/update-journal.js";
import { Updates } from "../src/updates/updates.js";
import { SAMPLE } from "./fixture.js";

/**
 * `Updates.restoreVersion`, what the console's "Restore" button calls: run on a second `Updates`
 * over the same data as a running server (as another instance would), checked through that
 * server's API — the one Pulumi's CLI reads.
 */
const ADMIN = `pul-${"ef".repeat(20)}`;
const STACK = "/api/stacks/admin/app/dev";
const ID = { org: "admin", project: "app", stack: "dev" };
const BY = { user: "admin", hostname: "console", pid: 0 };
let root = "";
let store: StateStore;
let server: RunningServer;
let updates: Updates;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cairn-server-restore-"));
  store = await openDataStore(pathToFileURL(join(root, "data")).href, {}, root);
  const masterKeys = { current: parseMasterKey(TEST_MASTER_KEY, "test"), previous: [] };
  server = await startServer({ store, masterKeys, adminToken: ADMIN, logger: silentLogger });
  const records = new JsonRecords(store);
  const dataKeys = new DataKeys(records, masterKeys);
  const sealed = new StackSealedRecords(store, dataKeys);
  updates = new Updates(records, new OrgState(store, dataKeys), 300_000, new UpdateEvents(sealed), new UpdateJournal(sealed));
  expect((await call("POST", "/api/stacks/admin/app", { stackName: "dev" })).status).toBe(200);
  for (const counter of [1, 2, 3]) expect((await call("POST", `${STACK}/import`, withCounter(counter))).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function call(method: string, path: string, body?: unknown) {
  return api(server.url, method, path, ADMIN, body);
}

function withCounter(value: number) {
  const copy = structuredClone(SAMPLE) as any;
  copy.deployment.resources[0].outputs = { ...copy.deployment.resources[0].outputs, counter: value };
  return copy;
}

async function seen() {
  return { current: (await call("GET", `${STACK}/export`)).body, history: (await call("GET", `${STACK}/updates?pageSize=100`)).body.updates };
}

it("makes version N the stack's state as a new import update named `restore of version N`, keeping every entry", async () => {
  const before = await seen();
  const wanted = (await call("GET", `${STACK}/export/1`)).body;
  expect(wanted).toEqual(withCounter(1));
  const result = await updates.restoreVersion(ID, 1, BY);
  expect(result).toEqual({ updateId: expect.any(String), version: 4 });
  const after = await seen();
  expect(JSON.stringify(after.current)).toBe(JSON.stringify(wanted));
  expect(after.history).toHaveLength(before.history.length + 1);
  expect(after.history.slice(1)).toEqual(before.history);
  expect(after.history[0]).toMatchObject({ version: 4, updateID: result.updateId, kind: "import", message: restoreMessage(1), result: "succeeded" });
  expect((await call("GET", `${STACK}/export/3`)).body).toEqual(withCounter(3));
});

it("the import route takes an optional ?message= and still takes Pulumi's import without one; a bad message is refused before anything is written", async () => {
  expect((await call("POST", `${STACK}/import?message=${encodeURIComponent("restore of version 2")}`, withCounter(2))).status).toBe(200);
  expect((await call("GET", `${STACK}/updates?pageSize=1`)).body.updates[0]).toMatchObject({ kind: "import", message: "restore of version 2" });
  expect((await call("POST", `${STACK}/import`, withCounter(3))).status).toBe(200);
  expect((await call("GET", `${STACK}/updates?pageSize=1`)).body.updates[0]).toMatchObject({ kind: "import", message: "" });
  const settled = await seen();
  for (const message of ["two\nlines", "x".repeat(1025)]) {
    expect((await call("POST", `${STACK}/import?message=${encodeURIComponent(message)}`, withCounter(9))).status).toBe(400);
  }
  expect(await seen()).toEqual(settled);
});

it("refuses a missing or invalid version (NotFound, InvalidArgument) and a stack an update holds (Locked), changing nothing", async () => {
  const settled = await seen();
  await expect(updates.restoreVersion(ID, 99, BY)).rejects.toMatchObject({ code: "NotFound", hint: expect.stringContaining("cairn stack history") });
  await expect(updates.restoreVersion(ID, 0, BY)).rejects.toMatchObject({ code: "InvalidArgument" });
  expect(await seen()).toEqual(settled);

  const created = await call("POST", `${STACK}/update`, { metadata: { message: "deploy" } });
  const started = await call("POST", `${STACK}/update/${created.body.updateID}`, {});
  expect(started.status).toBe(200);
  const held = await seen(); // the running update's in-progress entry is there now
  await expect(updates.restoreVersion(ID, 1, BY)).rejects.toMatchObject({ code: "Locked" });
  expect(await seen()).toEqual(held);
  expect((await api(server.url, "POST", `${STACK}/update/${created.body.updateID}/complete`, started.body.token, { status: "succeeded" }, "update-token")).status).toBe(200);
});
