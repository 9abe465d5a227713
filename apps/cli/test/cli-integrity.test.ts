import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SAMPLE_DEPLOYMENT, createSandbox, type Sandbox } from "./helpers.js";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
});
afterEach(() => sandbox.dispose());

const historyDir = () => join(sandbox.state, ".pulumi", "history", "demo", "dev");
const lockDir = () => join(sandbox.state, ".pulumi", "locks", "organization", "demo", "dev");

function importTimes(count: number): void {
  for (let i = 0; i < count; i++) expect(sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]).status).toBe(0);
}

describe("cairn stack unlock with leases", () => {
  it("shows holder, age and a live lease, and does not remove it without --force", () => {
    mkdirSync(lockDir(), { recursive: true });
    const lock = join(lockDir(), "cairn.json");
    const since = new Date(Date.now() - 90_000).toISOString();
    writeFileSync(lock, JSON.stringify({ pid: 4242, username: "ci", hostname: "runner-7", timestamp: since, operation: "update", expires: new Date(Date.now() + 600_000).toISOString() }));
    const shown = sandbox.run(["stack", "unlock"]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/locked by ci@runner-7 pid 4242 since .* \(9\ds ago\), update; lease live until/);
    expect(shown.stdout).toContain("Not removed: the lock is live");
    expect(existsSync(lock)).toBe(true);
    const json = JSON.parse(sandbox.run(["stack", "unlock", "--json"]).stdout);
    expect(json).toMatchObject({ removed: false, locks: [{ username: "ci", expired: false }] });
    expect(sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]).status).toBe(6); // Locked
    expect(sandbox.run(["stack", "unlock", "--force"]).stdout).toContain("Removed.");
    expect(existsSync(lock)).toBe(false);
  });

  it("reports an expired lease, and the next operation takes it over with a warning naming the holder", () => {
    mkdirSync(lockDir(), { recursive: true });
    const old = Date.now() - 3_600_000;
    writeFileSync(join(lockDir(), "cairn.json"), JSON.stringify({ pid: 4242, username: "ci", hostname: "runner-7", timestamp: new Date(old).toISOString(), expires: new Date(old + 300_000).toISOString() }));
    expect(sandbox.run(["stack", "unlock"]).stdout).toMatch(/lease EXPIRED at .*\n.*next operation takes it over/);
    const imported = sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    expect(imported.status).toBe(0);
    expect(imported.stderr).toMatch(/warning: took over the lock on stack organization\/demo\/dev from ci@runner-7 pid 4242/);
    expect(readdirSync(lockDir())).toEqual([]);
  });
});

describe("cairn stack verify / history prune / history export", () => {
  it("verifies an untouched stack, and an exported archive offline", () => {
    importTimes(3);
    const verified = sandbox.run(["stack", "verify"]);
    expect(verified.stdout).toMatch(/organization\/demo\/dev: OK — 3 history entries verified/);
    expect(verified.status).toBe(0);
    const archive = join(sandbox.root, "history.json");
    expect(sandbox.run(["stack", "history", "export", "--file", archive]).status).toBe(0);
    // No backend at all: another PULUMI_HOME with no login.
    const offline = sandbox.run(["stack", "verify", "--archive", archive, "--json"], { env: { PULUMI_HOME: join(sandbox.root, "empty-home") } });
    expect(offline.status).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ ok: true, entries: 3 });
  });

  it("fails naming the entry when a checkpoint byte flips, and --all covers every stack", () => {
    importTimes(2);
    const checkpoint = readdirSync(historyDir()).filter((name) => name.endsWith(".checkpoint.json")).sort()[0]!;
    const path = join(historyDir(), checkpoint);
    const bytes = readFileSync(path);
    bytes[30] = bytes[30]! ^ 0x01;
    writeFileSync(path, bytes);
    const result = sandbox.run(["stack", "verify", "--all"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/BROKEN — history entry 1 \(dev-\d+\.history\.json\): its checkpoint was modified/);
    expect(result.stderr).toContain("history verification failed for organization/demo/dev");
  });

  it("prunes with --dry-run, --keep and --older-than, and what is kept still verifies", () => {
    importTimes(4);
    const dry = sandbox.run(["stack", "history", "prune", "--keep", "1", "--dry-run"]);
    expect(dry.stdout).toMatch(/Would delete 3 history entries of organization\/demo\/dev; 1 kept/);
    expect(JSON.parse(sandbox.run(["stack", "history", "--json"]).stdout)).toHaveLength(4);
    expect(sandbox.run(["stack", "history", "prune", "--keep", "2", "--yes"]).stdout).toMatch(/Deleted 2 history entries/);
    expect(sandbox.run(["stack", "verify"]).stdout).toMatch(/OK — 2 history entries verified, after 2 pruned/);
    expect(sandbox.run(["stack", "history", "prune", "--older-than", "30d", "-y"]).stdout).toMatch(/Deleted 0 history entries/);
    expect(sandbox.run(["stack", "history", "prune", "--older-than", "soon"]).status).toBe(2);
    expect(sandbox.run(["stack", "history", "prune"]).status).toBe(2);
  });

  it("prune asks for confirmation: without a terminal and without --yes it refuses and deletes nothing", () => {
    importTimes(3);
    const before = readdirSync(historyDir()).sort();
    const refused = sandbox.run(["stack", "history", "prune", "--keep", "1"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("needs confirmation");
    expect(refused.stderr).toContain("--yes");
    expect(readdirSync(historyDir()).sort()).toEqual(before);
    const nonInteractive = sandbox.run(["stack", "history", "prune", "--keep", "1", "--non-interactive"]);
    expect(nonInteractive.status).toBe(2);
    expect(readdirSync(historyDir()).sort()).toEqual(before);
    expect(sandbox.run(["stack", "history", "prune", "--keep", "1", "--yes"]).stdout).toMatch(/Deleted 2 history entries/);
  });
});

describe("whoami -v", () => {
  it("names the credential source of a file backend, never a secret", () => {
    const verbose = sandbox.run(["whoami", "-v"]);
    expect(verbose.stdout).toContain("Credential source: local files");
    expect(JSON.parse(sandbox.run(["whoami", "-v", "--json"]).stdout)).toMatchObject({ credentialSource: expect.stringContaining("local files"), unsafeStoreAllowed: false });
  });
});
