import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { peer } from "@cairn/test-servers/peers";
import { describe, expect, it } from "vitest";
import { PASSPHRASE, waitForFile } from "./world.js";
import { api, serviceSuite } from "./service-world.js";

// The real Pulumi CLI against a real cairn-server (data on file://): every command a user of a
// self-hosted Pulumi service runs, and what it leaves readable by cairn on the same server.
const suite = serviceSuite("file");

interface Deployment {
  deployment: { resources?: Array<{ urn: string; type: string; outputs?: Record<string, unknown> }>; secrets_providers?: { type: string } };
}

const resourcesOf = (exported: string) => (JSON.parse(exported) as Deployment).deployment.resources ?? [];

describe("pulumi against cairn-server: identity", () => {
  it("logs in with PULUMI_ACCESS_TOKEN; whoami -v names the user, its organizations and the token", async () => {
    const w = await suite.open({ login: false });
    expect(w.pulumiOk(["login", w.server.url])).toContain(`Logged in to ${w.server.url} as ${w.user} (${w.server.url})`);
    const whoami = w.pulumiOk(["whoami", "-v"]);
    expect(whoami).toContain(`User: ${w.user}`);
    expect(whoami).toContain(`Organizations: ${w.user}`);
    expect(whoami).toContain(`Backend URL: ${w.server.url}`);
    expect(whoami).toContain("Token name: interop");
    // The credentials file names the server and this token, as Pulumi's own service logins do.
    const credentials = JSON.parse(w.projectFile("../pulumi-home/credentials.json")) as { current: string; accessTokens: Record<string, string> };
    expect(credentials.current).toBe(w.server.url);
    expect(credentials.accessTokens[w.server.url]).toBe(w.token);
  });

  it("a wrong token is refused at login, and nothing is stored", async () => {
    const w = await suite.open({ login: false });
    const refused = w.pulumi(["login", w.server.url], { env: { PULUMI_ACCESS_TOKEN: "pul-0000000000000000000000000000000000000000" } });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/401|unauthori[sz]ed|token/i);
    expect(w.projectFile("../pulumi-home/credentials.json")).not.toContain("pul-0000");
  });

  it("org get-default is the user's own organization; set-default moves new stacks to another one", async () => {
    const w = await suite.open();
    expect(w.pulumiOk(["org", "get-default"]).trim()).toBe(w.user);
    const team = `team-${w.user}`;
    expect((await api(w.server.url, "POST", "/api/orgs", w.token, { name: team })).status).toBe(200);
    w.pulumiOk(["org", "set-default", team]);
    expect(w.pulumiOk(["org", "get-default"]).trim()).toBe(team);
    w.pulumiOk(["stack", "init", "dev"]);
    const listed = await api(w.server.url, "GET", `/api/user/stacks?organization=${team}`, w.token);
    expect((listed.body as { stacks: Array<{ stackName: string }> }).stacks.map((s) => s.stackName)).toEqual(["dev"]);
  });
});

describe("pulumi against cairn-server: stacks", () => {
  it("init, ls, select, tag, rename and rm, with history kept across the rename", async () => {
    const w = await suite.open();
    w.pulumiOk(["stack", "init", "dev"]);
    w.pulumiOk(["stack", "init", `${w.user}/interop/prod`]);
    const listed = w.pulumiOk(["stack", "ls"]);
    expect(listed).toMatch(/^dev\s/m);
    expect(listed).toMatch(/^prod\*\s/m);
    w.pulumiOk(["stack", "select", "dev"]);
    expect(w.pulumiOk(["stack", "ls"])).toMatch(/^dev\*\s/m);

    w.pulumiOk(["stack", "tag", "set", "owner", "platform-team"]);
    expect(w.pulumiOk(["stack", "tag", "get", "owner"]).trim()).toBe("platform-team");
    expect(w.pulumiOk(["stack", "tag", "ls"])).toMatch(/owner\s+platform-team/);
    w.pulumiOk(["stack", "tag", "rm", "owner"]);
    expect(w.pulumiOk(["stack", "tag", "ls"])).not.toContain("platform-team");

    w.drive("up", `${w.user}/interop/dev`, { components: 1 });
    w.pulumiOk(["stack", "rename", "renamed"]);
    expect(w.pulumiOk(["stack", "ls"])).toMatch(/^renamed\*\s/m);
    expect(w.pulumiOk(["stack", "history"])).toMatch(/Version: 1\s+UpdateKind: update\s+Status: succeeded/);

    // A stack with resources needs --force; the stack and its history go.
    expect(w.pulumi(["stack", "rm", "--yes"]).status).not.toBe(0);
    w.pulumiOk(["stack", "rm", "--yes", "--force"]);
    expect(w.pulumiOk(["stack", "ls"])).not.toMatch(/renamed/);
    expect((await api(w.server.url, "GET", `/api/stacks/${w.user}/interop/renamed`, w.token)).status).toBe(404);
  });
});

describe("pulumi against cairn-server: updates", () => {
  it("a secret config value, an up of 101 resources, outputs, export/import and history — and cairn reads the same state", async () => {
    const w = await suite.open({ stack: "dev" });
    w.pulumiOk(["config", "set", "--secret", "secretValue", "hunter2-service"]);
    expect(w.projectFile("Pulumi.dev.yaml")).toMatch(/secretValue:\s+secure: /);
    expect(w.projectFile("Pulumi.dev.yaml")).not.toContain("hunter2-service");
    expect(w.pulumiOk(["config", "get", "secretValue"]).trim()).toBe("hunter2-service");

    const up = w.drive("up", `${w.user}/interop/dev`, { components: 50 });
    expect(up.status, up.stderr).toBe(0);
    expect(w.pulumiOk(["stack", "output", "configSecret", "--show-secrets"]).trim()).toBe("hunter2-service");
    expect(w.pulumiOk(["stack", "output", "components"]).trim()).toBe("50");

    const exported = w.pulumiOk(["stack", "export"]);
    expect(resourcesOf(exported)).toHaveLength(101);
    expect(exported).not.toContain("hunter2-service"); // secrets stay ciphertext in the state
    expect((JSON.parse(exported) as Deployment).deployment.secrets_providers?.type).toBe("service");
    // Replayed from the CLI's journal, the manifest names the CLI that ran the update, as Pulumi's replay does.
    expect((JSON.parse(exported) as { deployment: { manifest: { version: string } } }).deployment.manifest.version).toBe(`v${peer("pulumi").version}`);

    // Import what was exported (Pulumi polls the import's update until it is done).
    const file = join(w.root, "exported.json");
    writeFileSync(file, exported);
    expect(w.pulumiOk(["stack", "import", "--file", file])).toContain("Import complete.");
    // Pulumi re-encrypts secrets on import: the same resources, the same secret values.
    const urns = (text: string) => resourcesOf(text).map((r) => r.urn);
    expect(urns(w.pulumiOk(["stack", "export"]))).toEqual(urns(exported));
    expect(w.pulumiOk(["stack", "output", "configSecret", "--show-secrets"]).trim()).toBe("hunter2-service");
    expect(urns(w.pulumiOk(["stack", "export", "--version", "1"]))).toEqual(urns(exported));

    const history = w.pulumiOk(["stack", "history"]);
    expect(history).toMatch(/Version: 2\s+UpdateKind: import\s+Status: succeeded/);
    expect(history).toMatch(/Version: 1\s+UpdateKind: update\s+Status: succeeded\s+Message: \s+\+101-0~0 0/);

    // cairn, logged in to the same server with the same token, reads the same stack.
    w.cairnOk(["login", w.server.url, "--non-interactive"]);
    expect(w.cairnOk(["stack", "ls"])).toContain("dev");
    const viaCairn = w.cairnOk(["stack", "export", "--stack", `${w.user}/interop/dev`]);
    expect(urns(viaCairn)).toEqual(urns(exported));
  });

  it("preview changes nothing; refresh and destroy are recorded; the engine events are kept per update", async () => {
    const w = await suite.open({ stack: "dev" });
    const stack = `${w.user}/interop/dev`;
    w.pulumiOk(["config", "set", "--secret", "secretValue", "s"]);
    expect(w.drive("up", stack, { components: 2 }).status).toBe(0);
    const preview = w.drive("preview", stack, { components: 3 });
    expect(preview.status, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout.trim().split("\n").at(-1) as string)).toMatchObject({ changeSummary: { create: 2, same: 5 } });
    expect(resourcesOf(w.pulumiOk(["stack", "export"]))).toHaveLength(5);

    expect(w.drive("refresh", stack, { components: 2 }).status).toBe(0);
    const destroyed = w.drive("destroy", stack, { components: 2 });
    expect(destroyed.status, destroyed.stderr).toBe(0);
    expect(resourcesOf(w.pulumiOk(["stack", "export"]))).toHaveLength(0);

    const kinds = [...w.pulumiOk(["stack", "history"]).matchAll(/UpdateKind: (\w+)/g)].map((m) => m[1]);
    expect(kinds).toEqual(["destroy", "refresh", "update"]); // previews are not versions
    const updates = (await api(w.server.url, "GET", `/api/stacks/${w.user}/interop/dev/updates`, w.token)).body as { updates: Array<{ updateID: string; kind: string; resourceChanges?: Record<string, number> }> };
    expect(updates.updates.find((u) => u.kind === "destroy")?.resourceChanges).toMatchObject({ delete: 5 });
    const destroyId = updates.updates.find((u) => u.kind === "destroy")?.updateID as string;
    const events = (await api(w.server.url, "GET", `/api/stacks/${w.user}/interop/dev/update/${destroyId}/events`, w.token)).body as { events: Array<{ sequence: number; summaryEvent?: unknown }> };
    expect(events.events.length).toBeGreaterThan(3);
    expect(events.events.map((e) => e.sequence)).toEqual([...events.events.map((e) => e.sequence)].sort((a, b) => a - b));
    expect(events.events.some((e) => e.summaryEvent !== undefined)).toBe(true);
  });

  it("a client that does not journal sends whole checkpoints, then deltas against them; the state is the same", async () => {
    const w = await suite.open({ stack: "dev" });
    const stack = `${w.user}/interop/dev`;
    w.pulumiOk(["config", "set", "--secret", "secretValue", "s"]);
    const logStart = w.server.logs().length;
    const up = w.drive("up", stack, { components: 30, env: { PULUMI_DISABLE_JOURNALING: "true" } });
    expect(up.status, up.stderr).toBe(0);
    const requests = w.server.logs().slice(logStart);
    // Past the 64 KiB cutoff the CLI switches to deltas, every one accepted (a refused one would be
    // followed by a whole checkpoint, and the test would see a 409 here).
    expect(requests).toMatch(/checkpointdelta","status":200/);
    expect(requests).not.toMatch(/checkpointdelta","status":4/);
    expect(requests).not.toMatch(/journalentries/);
    expect(resourcesOf(w.pulumiOk(["stack", "export"]))).toHaveLength(61);
    const again = w.drive("up", stack, { components: 30 }); // journaled, on top of the delta-built state
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout.trim().split("\n").at(-1) as string).summary.resourceChanges).toEqual({ same: 61 });
  });

  it("cancel from a second process ends a running update; the next up finishes", async () => {
    const w = await suite.open({ stack: "dev" });
    const stack = `${w.user}/interop/dev`;
    w.pulumiOk(["config", "set", "--secret", "secretValue", "s"]);
    const ready = join(w.root, "ready");
    const release = join(w.root, "release");
    const running = w.startDrive("up", stack, { components: 2, readyFile: ready, waitFile: release });
    try {
      await waitForFile(ready, running);
      // While it runs, a second update is refused with the holder named.
      const second = w.drive("up", stack, { components: 1 });
      expect(second.status).not.toBe(0);
      expect(second.stderr).toMatch(/another update is currently in progress|409|conflict/i);
      expect(w.pulumiOk(["cancel", "--yes"])).toMatch(/cancel/i);
    } finally {
      writeFileSync(release, "go");
    }
    const cancelled = await running.done;
    expect(cancelled.status).not.toBe(0);
    const up = w.drive("up", stack, { components: 2 });
    expect(up.status, up.stderr).toBe(0);
    expect(resourcesOf(w.pulumiOk(["stack", "export"]))).toHaveLength(5);
    expect(w.pulumiOk(["stack", "history"])).toMatch(/Version: 1\s+UpdateKind: update\s+Status: failed/);
  });

  it("change-secrets-provider: service to passphrase and back, values intact", async () => {
    const w = await suite.open({ stack: "dev" });
    const stack = `${w.user}/interop/dev`;
    w.pulumiOk(["config", "set", "--secret", "secretValue", "rotate-me"]);
    expect(w.drive("up", stack, { components: 1 }).status).toBe(0);
    // Non-interactive, Pulumi reads the new passphrase from stdin (PULUMI_CONFIG_PASSPHRASE is the old one's).
    w.pulumiOk(["stack", "change-secrets-provider", "passphrase"], { input: `${PASSPHRASE}\n` });
    expect(w.projectFile("Pulumi.dev.yaml")).toContain("encryptionsalt:");
    expect((JSON.parse(w.pulumiOk(["stack", "export"])) as Deployment).deployment.secrets_providers?.type).toBe("passphrase");
    expect(w.pulumiOk(["config", "get", "secretValue"]).trim()).toBe("rotate-me");
    expect(w.pulumiOk(["stack", "output", "configSecret", "--show-secrets"]).trim()).toBe("rotate-me");
    w.pulumiOk(["stack", "change-secrets-provider", "default"]); // "default" is the service's own provider
    expect((JSON.parse(w.pulumiOk(["stack", "export"])) as Deployment).deployment.secrets_providers?.type).toBe("service");
    expect(w.pulumiOk(["config", "get", "secretValue"]).trim()).toBe("rotate-me");
    expect(w.drive("up", stack, { components: 1 }).status).toBe(0);
  });
});
