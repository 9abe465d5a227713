import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { createStoreBackend, isCairnError, type StackRef, type StateBackend, type UntypedDeployment } from "@cairn/core";
import { afterAll, describe, expect, it } from "vitest";
import { openTestStore, s3UrlFor, server } from "./helpers.js";
import { startLostResponseProxy } from "./lost-response-proxy.js";

// On a real network a write can land while its answer is lost. The S3 driver retries (core's
// withRetry) and its retry fails its own precondition; core must recognise its own write. Real
// moto behind a proxy that cuts chosen connections (see lost-response-proxy.ts).

const REF: StackRef = { organization: "organization", project: "countdown", name: "foo" };
const ROOT = "urn:pulumi:foo::countdown::pulumi:pulumi:Stack::countdown-foo";
const deployment = (resources: number): UntypedDeployment => ({
  version: 3,
  deployment: {
    manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.0.0" },
    resources: [{ urn: ROOT, custom: false, type: "pulumi:pulumi:Stack" }, ...Array.from({ length: resources }, (_, index) => ({ urn: `${ROOT}-${index}`, custom: false, type: "cairn:test:Thing", parent: ROOT }))],
  },
});

const proxy = await startLostResponseProxy(server.endpoint);
afterAll(() => proxy.close());

/** One prefix seen two ways: through the cutting proxy (ours) and straight (another client). */
async function twoClients(): Promise<{ ours: StateBackend; other: StateBackend; prefix: string }> {
  const prefix = `t-idem-${randomUUID()}`;
  const open = async (endpoint: string, pid: number, username: string, hostname: string) =>
    createStoreBackend(await openTestStore(s3UrlFor(endpoint, server.bucket, prefix)), { env: {}, username, hostname, pid });
  // Another machine: a holder on this one whose pid is not running would count as dead.
  return { ours: await open(proxy.endpoint, process.pid, "alice", "s3-idem"), other: await open(server.endpoint, 777, "bob", "s3-idem-other"), prefix };
}

/** The object path a request addresses (the SDK adds `?x-id=PutObject`). */
const pathOf = (request: IncomingMessage) => (request.url ?? "").split("?")[0] ?? "";
const lockCreate = (request: IncomingMessage) =>
  request.method === "PUT" && pathOf(request).endsWith("/.pulumi/locks/organization/countdown/foo/cairn.json") && request.headers["if-none-match"] === "*";

describe("S3: conditional writes retried after a lost answer", () => {
  it("lockStack gets the lock when its lock-file create landed but the answer was lost", async () => {
    const { ours } = await twoClients();
    await ours.createStack(REF);
    proxy.faults.push({ matches: (request) => lockCreate(request), kind: "lost-answer" });
    const from = proxy.forwarded.length;
    const lock = await ours.lockStack(REF, "update");
    expect(proxy.forwarded.slice(from).filter((line) => line.startsWith("PUT") && line.includes("cairn.json"))).toHaveLength(2);
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
    expect(await ours.getLock(REF)).toEqual([]);
  });

  it("a create-only write (the stack file of createStack) reports success when it landed but the answer was lost", async () => {
    const { ours, other } = await twoClients();
    proxy.faults.push({ matches: (request) => request.method === "PUT" && pathOf(request).endsWith("/.pulumi/stacks/countdown/foo.json") && request.headers["if-none-match"] === "*", kind: "lost-answer" });
    const from = proxy.forwarded.length;
    await ours.createStack(REF, { initialDeployment: deployment(1) });
    expect(proxy.forwarded.slice(from).filter((line) => line.startsWith("PUT") && line.includes("/.pulumi/stacks/countdown/foo.json?"))).toHaveLength(2);
    expect(await other.exportDeployment(REF)).toMatchObject({ deployment: { resources: [{ urn: ROOT }, { urn: `${ROOT}-0` }] } });
  });

  it("a fenced stack-file write under our lock reports written when it landed but the answer was lost", async () => {
    const { ours, other } = await twoClients();
    await ours.createStack(REF, { initialDeployment: deployment(0) });
    const lock = await ours.lockStack(REF, "update");
    proxy.faults.push({ matches: (request) => request.method === "PUT" && pathOf(request).endsWith("/.pulumi/stacks/countdown/foo.json") && request.headers["if-match"] !== undefined, kind: "lost-answer" });
    const from = proxy.forwarded.length;
    await lock.save(deployment(2));
    expect(proxy.forwarded.slice(from).filter((line) => line.startsWith("PUT") && line.includes("/.pulumi/stacks/countdown/foo.json?"))).toHaveLength(2);
    // The lock knows the version it wrote: the next fenced write goes through too.
    await lock.save(deployment(3));
    await lock.release();
    expect((await other.exportDeployment(REF)).deployment).toMatchObject({ resources: { length: 4 } });
  });

  it("still reports Locked when another client took the lock in the window (a genuine conflict)", async () => {
    const { ours, other } = await twoClients();
    await ours.createStack(REF);
    proxy.faults.push({
      matches: (request) => lockCreate(request),
      kind: "not-sent",
      meanwhile: async () => void (await other.lockStack(REF, "refresh")),
    });
    const error = await ours.lockStack(REF, "update").then(() => undefined, (failure: unknown) => failure);
    expect(isCairnError(error, "Locked")).toBe(true);
    expect((error as Error).message).toContain("bob@s3-idem-other pid 777");
  });

  it("a fenced write still refuses when the stack file was changed by someone else in the window", async () => {
    const { ours, prefix } = await twoClients();
    await ours.createStack(REF, { initialDeployment: deployment(0) });
    const lock = await ours.lockStack(REF, "update");
    const raw = await openTestStore(s3UrlFor(server.endpoint, server.bucket, prefix));
    const key = ".pulumi/stacks/countdown/foo.json";
    proxy.faults.push({
      matches: (request) => request.method === "PUT" && pathOf(request).endsWith(`/${key}`) && request.headers["if-match"] !== undefined,
      kind: "not-sent",
      // A writer that took the stack over after our lease ran out saved other bytes meanwhile.
      meanwhile: async () => {
        const found = (await raw.get(key))!;
        await raw.put(key, new TextEncoder().encode(new TextDecoder().decode(found.bytes).replace("{", '{"taken":1,')), { ifMatch: found.version });
      },
    });
    const error = await lock.save(deployment(2)).then(() => undefined, (failure: unknown) => failure);
    expect(isCairnError(error, "Conflict")).toBe(true);
    expect((error as Error).message).toContain("nothing was written");
    await lock.release();
    await raw.close();
  });
});
