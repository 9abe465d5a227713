import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { isCairnError, type CairnError, type StackRef } from "@cairn/core";
import { ServiceBackend } from "../src/index.js";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy.js";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

// A request can take effect on the server while its answer is lost (the connection is cut after
// the server answered). The client must not send a creating POST twice, and must tell the user
// what happened. A real cairn-server behind a proxy that cuts chosen answers.

let fixture: ServerFixture;
let proxy: RecordingProxy;
let backend: ServiceBackend;
beforeAll(async () => {
  fixture = await startServerFixture();
  proxy = await startRecordingProxy(fixture.server.url);
});
afterAll(async () => {
  await backend?.close();
  await proxy?.close();
  await fixture?.dispose();
});
beforeEach(async () => {
  await backend?.close();
  backend = new ServiceBackend({ baseUrl: proxy.url, token: { value: fixture.server.adminToken, source: "test" }, env: {}, configDir: fixture.root });
  proxy.loseAnswer.length = 0;
});

let stacks = 0;
function freshStack(): { ref: StackRef; path: string } {
  const name = `lost-${++stacks}`;
  return { ref: { organization: "organization", project: "demo", name }, path: `/api/stacks/admin/demo/${name}` };
}

const posts = (path: string | RegExp) =>
  proxy.requests.filter((request) => request.method === "POST" && (typeof path === "string" ? request.path === path : path.test(request.path))).length;

async function failure(action: () => Promise<unknown>): Promise<CairnError> {
  const error = await action().then(() => undefined, (reason: unknown) => reason);
  if (!isCairnError(error)) throw new Error(`expected a CairnError, got ${String(error)}`);
  return error;
}

it("a lost answer to creating an update: not sent again (one update, not two), and the error says the outcome", async () => {
  const { ref, path } = freshStack();
  await backend.createStack(ref);
  proxy.loseAnswer.push((request) => request.method === "POST" && request.path === `${path}/update`);
  const outcome = await backend.lockStack(ref, "update").then(() => undefined, (reason: unknown) => reason);
  expect(posts(`${path}/update`)).toBe(1); // sent again, it would have created a second update
  const error = await failure(() => Promise.reject(outcome));
  expect(error.ambiguous).toBe(true);
  expect(error.message).toContain("the outcome is unknown");
  expect(error.hint).toContain("never started");
  // The update the service created was never started: the stack is not locked by it.
  expect(await backend.getLock(ref)).toEqual([]);
  await (await backend.lockStack(ref, "update")).release();
});

it("a lost answer to starting an update: the started update is cancelled, the stack is not left locked, and the error says so", async () => {
  const { ref, path } = freshStack();
  await backend.createStack(ref);
  proxy.loseAnswer.push((request) => request.method === "POST" && new RegExp(`^${path}/update/[0-9a-f-]+$`).test(request.path));
  const error = await failure(() => backend.lockStack(ref, "update"));
  expect(error.hint).toContain("cancelled that update");
  expect(await backend.getLock(ref)).toEqual([]);
  await (await backend.lockStack(ref, "update")).release();
});

it("a lost answer to completing an update: the completion is recognised from the update's status", async () => {
  const { ref, path } = freshStack();
  await backend.createStack(ref);
  const lock = await backend.lockStack(ref, "update");
  proxy.loseAnswer.push((request) => request.method === "POST" && request.path.startsWith(`${path}/update/`) && request.path.endsWith("/complete"));
  await lock.release();
  expect(posts(new RegExp(`^${path}/update/.*/complete$`))).toBe(2); // retried: the first landed
  expect(await backend.getLock(ref)).toEqual([]);
  expect((await backend.listHistory(ref))[0]).toMatchObject({ result: "succeeded" });
});

it("a lost answer to creating a stack: not sent again, and the error says the stack exists now", async () => {
  const { ref } = freshStack();
  proxy.loseAnswer.push((request) => request.method === "POST" && request.path === "/api/stacks/admin/demo");
  const before = posts("/api/stacks/admin/demo");
  const error = await failure(() => backend.createStack(ref));
  expect(posts("/api/stacks/admin/demo") - before).toBe(1);
  expect(error.message).toContain("the stack exists now");
  expect(error.hint).toContain("cairn stack select");
  expect(await backend.getStack(ref)).toBeDefined();
});

it("a lost answer to removing a stack: the retry's 404 is the first try's removal", async () => {
  const { ref, path } = freshStack();
  await backend.createStack(ref);
  proxy.loseAnswer.push((request) => request.method === "DELETE" && request.path.startsWith(path));
  await backend.removeStack(ref);
  expect(await backend.getStack(ref)).toBeUndefined();
});

it("a lost answer to renaming a stack: not sent again; the stack under its new name is the rename", async () => {
  const { ref, path } = freshStack();
  const to = freshStack();
  await backend.createStack(ref);
  proxy.loseAnswer.push((request) => request.method === "POST" && request.path === `${path}/rename`);
  await backend.renameStack(ref, to.ref);
  expect(posts(`${path}/rename`)).toBe(1);
  expect(await backend.getStack(to.ref)).toBeDefined();
  expect(await backend.getStack(ref)).toBeUndefined();
});
