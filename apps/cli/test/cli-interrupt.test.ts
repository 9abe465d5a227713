import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN, createSandbox, SAMPLE_DEPLOYMENT, type Sandbox } from "./helpers.js";

/**
 * Issue 14: SIGINT/SIGTERM while `stack import` holds the stack's lock. A real CLI child imports a
 * deployment large enough that its locked write takes a while; the test polls for the lock file,
 * signals the child the moment it appears, and checks no lock is left behind.
 */
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
});
afterEach(() => sandbox.dispose());

/** A valid deployment of `count` resources (tens of MB: the import's locked write is slow enough to catch). */
function bigDeployment(count: number): string {
  const resources = [{ urn: "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev", type: "pulumi:pulumi:Stack", custom: false }];
  const padding = "x".repeat(400);
  for (let index = 0; index < count; index++) {
    resources.push({
      urn: `urn:pulumi:dev::demo::random:index/randomId:RandomId::r${index}`,
      type: "random:index/randomId:RandomId",
      custom: true,
      id: `id-${index}`,
      parent: "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev",
      outputs: { padding, index },
    } as (typeof resources)[number]);
  }
  return JSON.stringify({ version: 3, deployment: { manifest: { time: "2024-01-01T00:00:00Z", magic: "", version: "v3.0.0" }, resources } });
}

const lockDir = () => join(sandbox.state, ".pulumi/locks/organization/demo/dev");
const lockFiles = () => (existsSync(lockDir()) ? readdirSync(lockDir()).filter((name) => name.endsWith(".json")) : []);

/** Starts a big `stack import`, sends `signal` the moment its lock file appears, and resolves with how it ended. */
async function interruptImport(signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const file = join(sandbox.root, "big.json");
  writeFileSync(file, bigDeployment(60_000));
  const child = spawn(process.execPath, [CAIRN_BIN, "stack", "import", "--file", file], {
    cwd: sandbox.project,
    env: { PATH: process.env.PATH, HOME: sandbox.root, PULUMI_HOME: sandbox.home, PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  let finished = false;
  void exited.then(() => (finished = true));
  // Poll for the event (the lock file appearing), not for time to pass.
  while (!finished && lockFiles().length === 0) await new Promise((resolve) => setImmediate(resolve));
  expect(finished).toBe(false); // the import must still be running: else the test proves nothing
  child.kill(signal);
  const [code] = await exited;
  return { code, stderr };
}

describe.each(["SIGINT", "SIGTERM"] as const)("%s during stack import", (signal) => {
  it("releases the stack lock before the CLI exits", async () => {
    const { code, stderr } = await interruptImport(signal);
    expect(code).toBe(signal === "SIGINT" ? 130 : 143);
    expect(stderr).toContain(`interrupted (${signal})`);
    expect(lockFiles()).toEqual([]);
    const unlock = sandbox.run(["stack", "unlock"]);
    expect(unlock.stdout).toContain("is not locked");
    // Whatever got written, the stack is usable.
    expect(sandbox.run(["stack", "export"]).status).toBe(0);
  }, 120_000);
});

describe("SIGKILL during stack import", () => {
  it("leaves a lock that `stack unlock` reports as dead (same host, pid gone), and the next import takes it over", async () => {
    await interruptImport("SIGKILL");
    expect(lockFiles()).toEqual(["cairn.json"]); // nothing can run on SIGKILL
    const unlock = sandbox.run(["stack", "unlock"]);
    expect(unlock.stdout).toMatch(/holder GONE \(pid \d+ no longer runs on this host\)/);
    expect(unlock.stdout).toContain("Not removed: its holder is gone or its lease expired");
    const json = JSON.parse(sandbox.run(["stack", "unlock", "--json"]).stdout) as { locks: Array<{ holderGone?: boolean }> };
    expect(json.locks).toMatchObject([{ holderGone: true }]);
    const next = sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT, "--force"]);
    expect(next.status).toBe(0);
    expect(next.stderr).toContain("took over the lock");
  }, 120_000);
});

describe("SIGKILL between the stack-file write and its history record", () => {
  it("stack verify reports the unrecorded state, and verify --repair records it", async () => {
    expect(sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT, "--force"]).status).toBe(0);
    const stackFile = join(sandbox.state, ".pulumi/stacks/demo/dev.json");
    const historyDir = join(sandbox.state, ".pulumi/history/demo/dev");
    const records = () => readdirSync(historyDir).filter((name) => name.endsWith(".history.json")).length;
    const before = { size: statSync(stackFile).size, records: records() };
    const file = join(sandbox.root, "big.json");
    writeFileSync(file, bigDeployment(60_000));
    const child = spawn(process.execPath, [CAIRN_BIN, "stack", "import", "--file", file, "--force"], {
      cwd: sandbox.project,
      env: { PATH: process.env.PATH, HOME: sandbox.root, PULUMI_HOME: sandbox.home, PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple" },
      stdio: "ignore",
    });
    const exited = once(child, "exit");
    // The event: the new stack file is in place (the write is a rename, so it appears whole).
    while (statSync(stackFile).size === before.size) await new Promise((resolve) => setImmediate(resolve));
    child.kill("SIGKILL");
    await exited;
    expect(records()).toBe(before.records); // killed before its history record: else the test proves nothing
    expect(sandbox.run(["stack", "unlock", "--force"]).status).toBe(0); // the dead holder's lock

    // The state is whole and the chain intact, so verify passes, but says the newest state has no record.
    const verify = sandbox.run(["stack", "verify"]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain("but the stack file .pulumi/stacks/demo/dev.json holds a state that no history entry records");
    expect(verify.stderr).toContain("cairn stack verify --repair");
    expect(JSON.parse(sandbox.run(["stack", "verify", "--json"]).stdout)).toMatchObject({ ok: true, unrecorded: { entry: ".pulumi/stacks/demo/dev.json" } });
    const repaired = sandbox.run(["stack", "verify", "--repair"]);
    expect(repaired.status).toBe(0);
    expect(repaired.stdout).toContain(`OK — ${before.records + 1} history entries verified`);
    expect(repaired.stdout).not.toContain("but the stack file");
    expect(JSON.parse(sandbox.run(["stack", "history", "--json"]).stdout)[0]).toMatchObject({ result: "failed" });
  }, 120_000);
});
