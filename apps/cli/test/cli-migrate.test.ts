import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN, createSandbox, SAMPLE_DEPLOYMENT, snapshotFiles, type Sandbox } from "./helpers.js";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

let sandbox: Sandbox;
let targetUrl: string;
let targetDir: string;
beforeEach(() => {
  sandbox = createSandbox();
  targetDir = join(sandbox.root, "target");
  targetUrl = `file://${targetDir}`;
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
});
afterEach(() => sandbox.dispose());

const snapshot = (dir: string, only = ".pulumi/stacks") => snapshotFiles(join(dir, only));

/** The sample deployment with one secret added, as `export --show-secrets` would print it. */
function sampleWithSecret(): string {
  const deployment = JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8"));
  deployment.deployment.resources[0].outputs.dbPassword = { [SIG_KEY]: SIG_VALUE, plaintext: JSON.stringify("hunter2-migrate-me") };
  const file = join(sandbox.root, "with-secret.json");
  writeFileSync(file, JSON.stringify(deployment));
  return file;
}

describe("cairn stack migrate", () => {
  it("copies a stack with secrets and history, verifies it, and leaves the source unchanged", () => {
    sandbox.run(["stack", "init", "dev"]);
    expect(sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]).status).toBe(0);
    expect(sandbox.run(["stack", "import", "--file", sampleWithSecret()]).status).toBe(0);
    const sourceBefore = snapshot(sandbox.state, ".pulumi");
    const sourceExport = sandbox.run(["stack", "export"]).stdout;

    const result = sandbox.run(["stack", "migrate", "--to", targetUrl, "--include-history", "--yes", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.failures).toEqual([]);
    expect(summary.results).toMatchObject([{ stack: "organization/demo/dev", outcome: "migrated", historyCopied: 2 }]);
    expect(summary.results[0].hash).toMatch(/^[0-9a-f]{64}$/);

    // Target: same export, same history, secrets open with the same passphrase; no plaintext on disk.
    const onTarget = { env: { PULUMI_BACKEND_URL: targetUrl } };
    expect(sandbox.run(["stack", "export", "--stack", "dev"], onTarget).stdout).toBe(sourceExport);
    const history = JSON.parse(sandbox.run(["stack", "history", "--stack", "dev", "--json"], onTarget).stdout);
    expect(history.map((h: { kind: string }) => h.kind)).toEqual(["import", "import"]);
    const shown = sandbox.run(["stack", "export", "--stack", "dev", "--show-secrets"], onTarget);
    expect(shown.stdout).toContain(JSON.stringify(JSON.stringify("hunter2-migrate-me")).slice(1, -1));
    for (const bytes of Object.values(snapshot(targetDir, ".pulumi"))) expect(Buffer.from(bytes, "base64").toString()).not.toContain("hunter2-migrate-me");

    const sourceAfter = snapshot(sandbox.state, ".pulumi");
    expect(sourceAfter).toEqual(sourceBefore);
  });

  it("is idempotent: a second run skips identical stacks", () => {
    sandbox.run(["stack", "init", "dev"]);
    sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    expect(sandbox.run(["stack", "migrate", "--to", targetUrl, "--yes"]).status).toBe(0);
    const before = snapshot(targetDir, ".pulumi");
    const again = sandbox.run(["stack", "migrate", "--to", targetUrl, "--yes", "--json"]);
    expect(JSON.parse(again.stdout).results[0].outcome).toBe("identical");
    expect(snapshot(targetDir, ".pulumi")).toEqual(before);
  });

  it("never overwrites a different target stack without --force", () => {
    sandbox.run(["stack", "init", "dev"]);
    sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    sandbox.run(["stack", "init", "organization/demo/dev"], { env: { PULUMI_BACKEND_URL: targetUrl } });
    const before = snapshot(targetDir);
    const refused = sandbox.run(["stack", "migrate", "--to", targetUrl, "--yes"]);
    expect(refused.status).toBe(4);
    expect(refused.stderr).toContain("--force");
    expect(snapshot(targetDir)).toEqual(before);
    expect(sandbox.run(["stack", "migrate", "--to", targetUrl, "--yes", "--force"]).status).toBe(0);
    expect(sandbox.run(["stack", "export", "--stack", "dev"], { env: { PULUMI_BACKEND_URL: targetUrl } }).stdout).toBe(sandbox.run(["stack", "export"]).stdout);
  });

  it("--dry-run writes nothing to the target", () => {
    sandbox.run(["stack", "init", "dev"]);
    sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    sandbox.run(["login", targetUrl]);
    sandbox.run(["login", sandbox.stateUrl]);
    const before = snapshot(targetDir, ".pulumi");
    const result = sandbox.run(["stack", "migrate", "--to", targetUrl, "--all", "--dry-run", "--json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).results).toMatchObject([{ stack: "organization/demo/dev", outcome: "would-migrate" }]);
    expect(snapshot(targetDir, ".pulumi")).toEqual(before);
  });

  it("needs --yes without a terminal", () => {
    sandbox.run(["stack", "init", "dev"]);
    const result = sandbox.run(["stack", "migrate", "--to", targetUrl]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--yes");
    expect(existsSync(join(targetDir, ".pulumi/stacks"))).toBe(false);
  });

  it("survives being killed midway through 50 stacks: a re-run finishes, nothing duplicated or corrupted", async () => {
    // 50 stacks, each with its own content, created directly in the layout for speed.
    const stacksDir = join(sandbox.state, ".pulumi/stacks/demo");
    mkdirSync(stacksDir, { recursive: true });
    writeFileSync(join(sandbox.state, ".pulumi/meta.yaml"), "version: 1\n");
    const sample = JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8"));
    for (let i = 0; i < 50; i++) {
      const deployment = structuredClone(sample.deployment);
      deployment.resources[0].outputs.index = i;
      // Every URN moves to stack s<i>: each resource's own and those it refers to (parent, provider, dependencies).
      const latest = JSON.parse(JSON.stringify(deployment).replaceAll('"urn:pulumi:dev::', `"urn:pulumi:s${i}::`));
      writeFileSync(join(stacksDir, `s${i}.json`), JSON.stringify({ version: 3, checkpoint: { stack: `organization/demo/s${i}`, latest } }));
    }
    // Start, and kill -9 once some but not all stacks are on the target.
    const child = spawn(process.execPath, [CAIRN_BIN, "stack", "migrate", "--to", targetUrl, "--all", "--yes", "--parallel", "2"], {
      cwd: sandbox.project,
      env: { ...process.env, PULUMI_HOME: sandbox.home, PULUMI_CONFIG_PASSPHRASE: "x" },
      stdio: "ignore",
    });
    const targetStacks = join(targetDir, ".pulumi/stacks/demo");
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const count = existsSync(targetStacks) ? readdirSync(targetStacks).filter((f) => f.endsWith(".json")).length : 0;
        if (count >= 10 || child.exitCode !== null) {
          clearInterval(poll);
          child.kill("SIGKILL");
          resolve();
        }
      }, 5);
    });
    await new Promise((resolve) => child.once("exit", resolve));
    const partial = readdirSync(targetStacks).filter((f) => f.endsWith(".json")).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(50); // really interrupted midway

    const rerun = sandbox.run(["stack", "migrate", "--to", targetUrl, "--all", "--yes", "--json"]);
    // The killed run's lock is taken over (its process is gone), and each takeover is logged.
    expect(rerun.stderr.replace(/^warning: took over the lock on stack .* no longer runs on this machine\n/gm, "")).toBe("");
    expect(rerun.status).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary.failures).toEqual([]);
    expect(summary.results).toHaveLength(50);
    expect(new Set(summary.results.map((r: { outcome: string }) => r.outcome))).toEqual(new Set(["identical", "migrated"]));

    const files = readdirSync(targetStacks).filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `s${i}.json`).sort());
    const sources = Object.fromEntries(summary.results.map((r: { stack: string; hash: string }) => [r.stack, r.hash]));
    const verify = sandbox.run(["stack", "migrate", "--from", targetUrl, "--to", sandbox.stateUrl, "--all", "--dry-run", "--json"]);
    for (const result of JSON.parse(verify.stdout).results) {
      expect(result.outcome).toBe("identical");
      expect(result.hash).toBe(sources[result.stack]);
    }
  }, 120_000);
});
