import { afterEach, expect, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { startStalledEndpoint, type StalledEndpoint } from "@cairn/conformance";
import { ServiceClient } from "../src/index.js";

// An endpoint that accepts requests and never answers (the conformance suite's): only the abort
// can end a call waiting on it, so a test that ends proves the signal reached fetch.
let endpoint: StalledEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

async function aborted(client: ServiceClient, method: string, options: { idempotent?: boolean } = {}): Promise<unknown> {
  const controller = new AbortController();
  const arrived = endpoint!.requestArrived();
  const call = client.request(method, "/api/stacks/org/project/dev", { body: method === "GET" ? undefined : {}, signal: controller.signal, ...options }).then(
    () => undefined,
    (error: unknown) => error,
  );
  await arrived;
  controller.abort();
  return call;
}

it("an abort ends a call waiting on the server: Canceled, ambiguous only for a request other than a GET", async () => {
  endpoint = await startStalledEndpoint();
  const client = new ServiceClient(endpoint.url, () => "a-token");
  const read = await aborted(client, "GET");
  expect(isCairnError(read, "Canceled") && !read.ambiguous).toBe(true);
  const create = await aborted(client, "POST");
  expect(isCairnError(create, "Canceled") && create.ambiguous).toBe(true);
  const replace = await aborted(client, "PUT");
  expect(isCairnError(replace, "Canceled") && replace.ambiguous).toBe(true);
});

it("a call whose signal already fired fails Canceled, not ambiguous: nothing was sent", async () => {
  endpoint = await startStalledEndpoint();
  const client = new ServiceClient(endpoint.url, () => "a-token");
  const error = await client.request("POST", "/api/stacks/org/project", { body: {}, signal: AbortSignal.abort() }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isCairnError(error, "Canceled") && !error.ambiguous).toBe(true);
});
