import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { forwardingStore, type StateStore } from "@cairn/core/driver";
import { afterEach, expect, it } from "vitest";
import { openDataStore } from "../src/data-store.js";
import { silentLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server.js";
import { parseMasterKey } from "../src/state/master-key.js";
import { api, TEST_MASTER_KEY } from "../src/testing.js";
import { SAMPLE } from "./fixture.js";

const ADMIN = `pul-${"ab".repeat(20)}`;
const STACK = "/api/stacks/admin/app/dev";
let server: RunningServer | undefined;
let root = "";
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (root) rmSync(root, { recursive: true, force: true });
});

/**
 * The store, with a gate: when armed, the next write of the stack file waits until released, so
 * a test can hold a checkpoint write after it passed its lease check and act in between.
 */
function gated(inner: StateStore) {
  let armed = false;
  let reached: () => void = () => {};
  let release: () => void = () => {};
  const reachedGate = new Promise<void>((resolve) => (reached = resolve));
  const opened = new Promise<void>((resolve) => (release = resolve));
  const store = forwardingStore(inner, {
    put: async (key, bytes, options) => {
      if (armed && /\.pulumi\/stacks\/app\/dev\.json/.test(key)) {
        armed = false;
        reached();
        await opened;
      }
      return inner.put(key, bytes, options);
    },
  });
  return { store, arm: () => (armed = true), reachedGate, release };
}

function withCounter(value: number) {
  const copy = structuredClone(SAMPLE) as { version: number; deployment: { resources: Array<{ outputs?: Record<string, unknown> }> } };
  copy.deployment.resources[0]!.outputs = { ...copy.deployment.resources[0]!.outputs, counter: value };
  return copy;
}

it("a checkpoint write held past its lease check cannot land once `cancel` is acknowledged", async () => {
  root = mkdtempSync(join(tmpdir(), "cairn-server-fencing-"));
  const gate = gated(await openDataStore(pathToFileURL(join(root, "data")).href, {}, root));
  server = await startServer({ store: gate.store, masterKeys: { current: parseMasterKey(TEST_MASTER_KEY, "test"), previous: [] }, adminToken: ADMIN, logger: silentLogger });
  const call = (method: string, path: string, body?: unknown, updateToken?: string) =>
    updateToken === undefined ? api(server!.url, method, path, ADMIN, body) : api(server!.url, method, path, updateToken, body, "update-token");

  expect((await call("POST", "/api/stacks/admin/app", { stackName: "dev" })).status).toBe(200);
  expect((await call("POST", `${STACK}/import`, withCounter(1))).status).toBe(200);
  const created = await call("POST", `${STACK}/update`, {});
  const path = `${STACK}/update/${created.body.updateID}`;
  const started = await call("POST", path, {});
  expect(started.status).toBe(200);

  gate.arm();
  const late = call("PATCH", `${path}/checkpoint`, { version: 3, deployment: withCounter(2).deployment }, started.body.token);
  await gate.reachedGate; // the write passed its lease check and is about to put
  expect((await call("POST", `${STACK}/cancel`)).status).toBe(200);
  gate.release();

  const response = await late;
  expect(response.status).toBe(409);
  const exported = await call("GET", `${STACK}/export`);
  expect(exported.body.deployment.resources[0].outputs.counter).toBe(1);
  // And the cancelled update's token writes nothing afterwards either.
  expect((await call("PATCH", `${path}/checkpoint`, { version: 3, deployment: withCounter(3).deployment }, started.body.token)).status).toBe(409);
});
