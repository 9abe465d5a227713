import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { gunzipSync } from "node:zlib";
import type { StackRef, UntypedDeployment } from "@cairn/core";
import { ServiceBackend } from "../src/index.js";
import { PACKAGE_VERSION } from "../src/client-identity.js";
import { startRecordingProxy, type RecordedRequest, type RecordingProxy } from "./recording-proxy.js";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

// The client speaks the Pulumi CLI v3.274.1's dialect, checked on the wire: a recording proxy in
// front of a real cairn-server sees every request exactly as the client sent it.

let fixture: ServerFixture;
let proxy: RecordingProxy;
let backend: ServiceBackend;
beforeAll(async () => {
  // A 3 s lease: the client renews it after a third of that, so a test can wait for the renewal.
  fixture = await startServerFixture(["--lease-seconds", "3"]);
  proxy = await startRecordingProxy(fixture.server.url);
});
afterAll(async () => {
  await proxy?.close();
  await fixture?.dispose();
});
beforeEach(async () => {
  await backend?.close();
  backend = new ServiceBackend({ baseUrl: proxy.url, token: { value: fixture.server.adminToken, source: "test" }, env: {}, configDir: fixture.root });
  proxy.requests.length = 0;
});

const stack = (name: string): StackRef => ({ organization: "organization", project: "demo", name });
const stackPath = (name: string) => `/api/stacks/admin/demo/${name}`;

/** A deployment of `count` resources with distinct ids and repetitive, realistic outputs (as real state is). */
function deploymentOf(name: string, count: number): UntypedDeployment {
  const resources = [{ urn: `urn:pulumi:${name}::demo::pulumi:pulumi:Stack::demo-${name}`, custom: false, type: "pulumi:pulumi:Stack" }];
  for (let i = 0; i < count; i++) {
    resources.push({
      urn: `urn:pulumi:${name}::demo::aws:s3/bucket:Bucket::bucket-${i}`,
      custom: true,
      type: "aws:s3/bucket:Bucket",
      id: `bucket-${i}-${(i * 2654435761) % 4294967296}`,
      inputs: { bucket: `bucket-${i}`, tags: { team: "platform", index: String(i) } },
      outputs: { arn: `arn:aws:s3:::bucket-${i}`, region: "eu-west-1", tags: { team: "platform", index: String(i) } },
      parent: resources[0]!.urn,
    } as (typeof resources)[number]);
  }
  return { version: 3, deployment: { manifest: { time: "2026-11-20T10:15:00.000Z", magic: "", version: "v3.274.1" }, resources } };
}

it("every request asks for API version 9 and gzip, and names cairn in User-Agent", async () => {
  await backend.createStack(stack("headers"));
  await backend.listStacks();
  await backend.getStack(stack("headers"));
  await backend.importDeployment(stack("headers"), deploymentOf("headers", 2));
  await backend.exportDeployment(stack("headers"));
  const lock = await backend.lockStack(stack("headers"), "update");
  await lock.release();

  expect(proxy.requests.length).toBeGreaterThanOrEqual(8);
  for (const request of proxy.requests) {
    expect({ what: `${request.method} ${request.path}`, accept: request.headers.accept }).toEqual({ what: `${request.method} ${request.path}`, accept: "application/vnd.pulumi+9" });
    expect(request.headers["accept-encoding"]).toBe("gzip");
    expect(request.headers["user-agent"]).toMatch(new RegExp(`^cairn-backend-service/${PACKAGE_VERSION.replaceAll(".", "\\.")} \\(cairn; `));
  }
});

it("decodes gzipped answers: the proxy gzips what the server says, and the client reads it", async () => {
  const deployment = deploymentOf("gzipped-answers", 50);
  await backend.createStack(stack("gzipped-answers"));
  await backend.importDeployment(stack("gzipped-answers"), deployment);
  const exported = await backend.exportDeployment(stack("gzipped-answers"));
  const exportRequest = proxy.requests.find((request) => request.path === `${stackPath("gzipped-answers")}/export`);
  expect(exportRequest?.answeredGzipped).toBe(true);
  expect(exported).toEqual(deployment);
});

it("a large import is sent gzipped (Content-Encoding: gzip) and round-trips byte-for-byte", async () => {
  const deployment = deploymentOf("large", 6000);
  const json = JSON.stringify(deployment);
  expect(json.length).toBeGreaterThan(2_000_000);
  await backend.createStack(stack("large"));
  await backend.importDeployment(stack("large"), deployment);

  const sent = only(proxy.requests.filter((request) => request.method === "POST" && request.path === `${stackPath("large")}/import`));
  expect(sent.headers["content-encoding"]).toBe("gzip");
  expect(sent.headers["content-type"]).toBe("application/json");
  expect(sent.rawBody.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip's magic: really compressed on the wire
  expect(sent.rawBody.length).toBeLessThan(json.length / 5);
  expect(gunzipSync(sent.rawBody).toString("utf8")).toBe(json);

  const exported = await backend.exportDeployment(stack("large"));
  expect(JSON.stringify(exported)).toBe(json);
});

it("sends small bodies on the calls Pulumi does not gzip uncompressed, and gzips a checkpoint however small", async () => {
  await backend.createStack(stack("per-call"));
  const lock = await backend.lockStack(stack("per-call"), "update");
  await lock.save(deploymentOf("per-call", 1));
  await lock.release();
  const byPath = (suffix: string) => only(proxy.requests.filter((request) => request.path.endsWith(suffix)));
  expect(byPath("/checkpoint").headers["content-encoding"]).toBe("gzip");
  expect(JSON.parse(byPath("/checkpoint").body().toString("utf8"))).toMatchObject({ version: 3, deployment: { resources: expect.any(Array) } });
  expect(byPath("/complete").headers["content-encoding"]).toBeUndefined();
  expect(only(proxy.requests.filter((request) => request.method === "POST" && request.path === "/api/stacks/admin/demo")).headers["content-encoding"]).toBeUndefined();
});

for (const kind of ["update", "preview", "refresh", "destroy"]) {
  it(`an update of kind ${kind}: created under /${kind}, then addressed under /update/{id} with the update token`, async () => {
    const name = `kind-${kind}`;
    await backend.createStack(stack(name));
    const session = await backend.beginUpdate(stack(name), kind);
    // A preview writes no checkpoints (the server refuses them, as Pulumi's does).
    if (kind !== "preview") await session.save(deploymentOf(name, 1));
    // Waits for the background renewal (a third of the 3 s lease): an event on the wire, not a set time.
    await until(() => proxy.requests.some((request) => request.path.endsWith("/renew_lease")));
    await session.complete("succeeded");

    const lifecycle = proxy.requests.filter((request) => request.path.startsWith(`${stackPath(name)}/`) && !request.path.endsWith("/export"));
    const id = lifecycle[1]?.path.split("/").at(-1) ?? "(no start request)";
    const calls = lifecycle.map((request) => `${request.method} ${request.path.replace(id, "{id}")} ${scheme(request)}`);
    expect(calls).toEqual([
      `POST ${stackPath(name)}/${kind} token`,
      `POST ${stackPath(name)}/update/{id} token`,
      ...(kind === "preview" ? [] : [`PATCH ${stackPath(name)}/update/{id}/checkpoint update-token`]),
      `POST ${stackPath(name)}/update/{id}/renew_lease update-token`,
      `POST ${stackPath(name)}/update/{id}/complete update-token`,
    ]);
    // Since API version 5 the lease is renewed by the update token alone: the body holds only the duration.
    const renew = only(lifecycle.filter((request) => request.path.endsWith("/renew_lease")));
    expect(Object.keys(JSON.parse(renew.body().toString("utf8")))).toEqual(["duration"]);
    // The server filed it under its kind (previews are not history, as on Pulumi's service).
    const history = await backend.listHistory(stack(name));
    if (kind === "preview") expect(history).toEqual([]);
    else expect(history[0]).toMatchObject({ kind, result: "succeeded" });
  });
}

function scheme(request: RecordedRequest): string {
  return String(request.headers.authorization ?? "none").split(" ")[0] ?? "none";
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("the awaited request never reached the proxy");
    await new Promise((resolve) => setTimeout(resolve, 20)); // polls for an event, not for time to pass
  }
}
