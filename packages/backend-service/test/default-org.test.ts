import { afterAll, beforeAll, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { api } from "@cairn/server/testing";
import { ServiceBackend } from "../src/index.js";
import { createCliUser } from "./cli-runner.js";
import { finished, ok, pulumiFor } from "./pulumi-peer.js";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy.js";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

// The default organization, resolved in the Pulumi CLI's order — PULUMI_DEFAULT_ORGANIZATION,
// config.json's `backends[<url>].defaultOrg`, the server's GET /api/user/organizations/default,
// the user's name — and checked against the real `pulumi org get-default` on the same files.

let fixture: ServerFixture;
let proxy: RecordingProxy;
beforeAll(async () => {
  fixture = await startServerFixture();
  proxy = await startRecordingProxy(fixture.server.url);
  expect((await api(fixture.server.url, "POST", "/api/orgs", fixture.server.adminToken, { name: "acme" })).status).toBe(200);
});
afterAll(async () => {
  await proxy?.close();
  await fixture?.dispose();
});

it("env beats config.json beats the server, and `cairn org get-default` agrees with `pulumi org get-default` at each step", () => {
  const cli = createCliUser(fixture.root, "order");
  const pulumi = pulumiFor(cli, fixture.root, fixture.server.adminToken);
  ok(pulumi(["login", fixture.server.url]), "pulumi login");
  const both = (env: Record<string, string> = {}) => {
    const fromPulumi = ok(pulumi(["org", "get-default"], { env }), "pulumi org get-default").trim();
    const fromCairn = ok(cli.run(["org", "get-default"], env), "cairn org get-default").trim();
    const json = JSON.parse(ok(cli.run(["org", "get-default", "--json"], env), "cairn org get-default --json")) as { defaultOrg: string; source: string };
    expect(fromCairn).toBe(fromPulumi);
    expect(json.defaultOrg).toBe(fromCairn);
    return { name: fromCairn, source: json.source };
  };

  // 1. Nothing configured: the server's opinion.
  expect(both()).toEqual({ name: "admin", source: "service" });
  // 2. `pulumi org set-default` (config.json) beats the server.
  ok(pulumi(["org", "set-default", "acme"]), "pulumi org set-default");
  expect(both()).toEqual({ name: "acme", source: "config.json" });
  // 3. The environment beats config.json. Pulumi's variable is PULUMI_DEFAULT_ORGANIZATION; it
  //    ignores PULUMI_DEFAULT_ORG, and so does cairn.
  expect(both({ PULUMI_DEFAULT_ORGANIZATION: "from-env" })).toEqual({ name: "from-env", source: "env:PULUMI_DEFAULT_ORGANIZATION" });
  expect(both({ PULUMI_DEFAULT_ORG: "not-pulumis-variable" })).toEqual({ name: "acme", source: "config.json" });
});

it("`cairn org set-default` writes the entry `pulumi org set-default` writes, byte for byte, and pulumi reads it", () => {
  const cli = createCliUser(fixture.root, "writer");
  const pulumi = pulumiFor(cli, fixture.root, fixture.server.adminToken);
  ok(pulumi(["login", fixture.server.url]), "pulumi login");
  const configFile = join(cli.home, "config.json");

  const set = cli.run(["org", "set-default", "acme", "--json"]);
  expect(set.stderr).toBe("");
  expect(JSON.parse(ok(set, "cairn org set-default"))).toEqual({ url: fixture.server.url, defaultOrg: "acme" });
  expect(ok(pulumi(["org", "get-default"]), "pulumi org get-default").trim()).toBe("acme");
  const written = readFileSync(configFile, "utf8");
  ok(pulumi(["org", "set-default", "acme"]), "pulumi org set-default");
  expect(readFileSync(configFile, "utf8")).toBe(written);

  // Not a member: stored anyway, with Pulumi's warning.
  const stranger = cli.run(["org", "set-default", "strangers"]);
  expect(stranger.status).toBe(0);
  expect(stranger.stderr).toContain('warning: you do not appear to be a member of organization "strangers"');
  expect(ok(pulumi(["org", "get-default"]), "pulumi org get-default").trim()).toBe("strangers");
  expect(cli.run(["org", "set-default", "../escape"]).status).not.toBe(0);
});

it("a server without GET /api/user/organizations/default: stacks go to the user's own name, and both CLIs say none is specified", async () => {
  proxy.notFound.add("/api/user/organizations/default");
  try {
    const cli = createCliUser(fixture.root, "legacy");
    const pulumi = pulumiFor(cli, fixture.root, fixture.server.adminToken);
    // The proxy runs in this process: the CLIs run without blocking it.
    ok(await pulumi.async(["login", proxy.url]), "pulumi login");
    expect(ok(await pulumi.async(["org", "get-default"]), "pulumi org get-default").trim()).toBe("No Default Org Specified");
    expect(ok(await finished(cli.start(["org", "get-default"])), "cairn org get-default").trim()).toBe("No Default Org Specified");
    expect(JSON.parse(ok(await finished(cli.start(["org", "get-default", "--json"])), "cairn org get-default --json"))).toMatchObject({ defaultOrg: "admin", source: "user" });
    expect(proxy.requests.filter((request) => request.path === "/api/user/organizations/default").length).toBeGreaterThanOrEqual(2);
  } finally {
    proxy.notFound.clear();
  }
});

it("a stack named without an organization lands in the resolved default organization", async () => {
  const backend = (env: Record<string, string>) => new ServiceBackend({ baseUrl: fixture.server.url, token: { value: fixture.server.adminToken, source: "test" }, env, configDir: join(fixture.root, "no-config") });
  const ref = (name: string) => ({ organization: "organization", project: "landing", name });

  const fromServer = backend({});
  expect(await fromServer.defaultOrganization()).toEqual({ name: "admin", source: "service" });
  await fromServer.createStack(ref("server-default"));
  const fromEnv = backend({ PULUMI_DEFAULT_ORGANIZATION: "acme" });
  await fromEnv.createStack(ref("env-default"));

  const stacks = (await api(fixture.server.url, "GET", "/api/user/stacks?project=landing", fixture.server.adminToken)).body as { stacks: Array<{ orgName: string; stackName: string }> };
  expect(stacks.stacks.map((stack) => `${stack.orgName}/${stack.stackName}`).sort()).toEqual(["acme/env-default", "admin/server-default"]);
  // Each backend shows its own default organization as the placeholder, the other by name.
  expect((await fromEnv.listStacks({ project: "landing" })).map((summary) => `${summary.ref.organization}/${summary.ref.name}`).sort()).toEqual(["admin/server-default", "organization/env-default"]);
  await Promise.all([fromServer.close(), fromEnv.close()]);
});
