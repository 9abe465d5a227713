import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ORGANIZATION, restoreMessage, type StackRef } from "@cairn/core";
import { createCliSandbox, type CliResult, type CliSandbox } from "@cairn/test-servers/cli-sandbox";
import { SAMPLE_DEPLOYMENT } from "./helpers.js";
import { startBackendTargets, TARGET_NAMES, type BackendTargets, type Target, type TargetName } from "./backend-targets.js";

/**
 * `cairn stack restore --version N` through the real CLI on every backend a user can log in to,
 * each against its real server: the current state becomes version N's export byte for byte,
 * history grows by exactly one entry and keeps every earlier one as it was, and a missing version
 * (NotFound, exit 3) or a held lock (Locked, exit 6) changes nothing. (memory:// lives inside one
 * process, so the CLI cannot reach it twice: core's conformance check covers it.)
 */
const root = mkdtempSync(join(tmpdir(), "cairn-cli-restore-"));
let servers: BackendTargets;
beforeAll(async () => {
  servers = await startBackendTargets(root, "restore");
}, 120_000);
afterAll(async () => {
  await servers?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The sample deployment with the stack output changed: each step is a version that differs. */
function stepFile(cli: CliSandbox, n: number): string {
  const deployment = JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8")) as { deployment: { resources: Array<{ outputs?: Record<string, unknown> }> } };
  deployment.deployment.resources[0]!.outputs = { bucketName: `step-${n}` };
  const file = join(cli.root, `step-${n}.json`);
  writeFileSync(file, JSON.stringify(deployment, null, 4));
  return file;
}

interface HistoryEntry {
  version: number;
  kind: string;
  message: string;
  commit?: string;
}

interface Seeded {
  cli: CliSandbox;
  /** Runs cairn without blocking (git's and GCS's emulators answer from this process); fails the test unless it exits 0. */
  ok(args: string[]): Promise<string>;
  history(): Promise<HistoryEntry[]>;
}

/** A user's machine logged in to `target`, with stack `dev` of project `demo` holding three imported versions. */
async function seeded(target: Target): Promise<Seeded> {
  const cli = createCliSandbox(target.env);
  const ok = async (args: string[]): Promise<string> => {
    const result = await cli.runAsync(args);
    if (result.status !== 0) throw new Error(`cairn ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
  await ok(["login", target.url]);
  await ok(["stack", "init", "dev"]);
  for (const n of [1, 2, 3]) await ok(["stack", "import", "--file", stepFile(cli, n)]);
  return { cli, ok, history: async () => JSON.parse(await ok(["stack", "history", "--json"])) as HistoryEntry[] };
}

const REF: StackRef = { organization: DEFAULT_ORGANIZATION, project: "demo", name: "dev" };

describe.each(TARGET_NAMES)("cairn stack restore --version over %s", (name: TargetName) => {
  it("makes version N the current state as one new history entry, and refuses a missing version or a locked stack changing nothing", { timeout: 300_000 }, async () => {
    const target = servers.fresh(name);
    const { cli, ok, history } = await seeded(target);
    try {
      const before = await history();
      const first = before[2]!.version; // newest first: the first import
      const wanted = await ok(["stack", "export", "--version", String(first)]);
      expect(JSON.parse(wanted)).toEqual(JSON.parse(readFileSync(stepFile(cli, 1), "utf8")));

      const result = JSON.parse(await ok(["stack", "restore", "--version", String(first), "--json"])) as { restored: number; version: number; unchanged: boolean; message: string };
      expect(await ok(["stack", "export"])).toBe(wanted); // byte for byte what version N exports
      const after = await history();
      expect(after).toHaveLength(before.length + 1);
      expect(after.slice(1)).toEqual(before); // nothing removed or rewritten
      expect(result).toMatchObject({ restored: first, version: after[0]!.version, unchanged: false, message: restoreMessage(first) });
      // A store whose history is its own log (git) records the write under the log's own subject.
      if (after[0]!.commit === undefined) expect(after[0]).toMatchObject({ kind: "import", message: restoreMessage(first) });
      // Every later version is still there: the restore is itself undone by restoring the one before it.
      expect(JSON.parse(await ok(["stack", "export", "--version", String(before[0]!.version)]))).toEqual(JSON.parse(readFileSync(stepFile(cli, 3), "utf8")));

      const settled = { current: await ok(["stack", "export"]), history: await history() };
      const missing = await cli.runAsync(["stack", "restore", "--version", "99"]);
      expect(missing.status, missing.stderr).toBe(3);
      expect(missing.stderr).toContain("has no version 99");
      expect(missing.stderr).toContain("cairn stack history");
      expect({ current: await ok(["stack", "export"]), history: await history() }).toEqual(settled);

      const backend = await servers.open(target);
      const lock = await backend.lockStack(REF, "update");
      let locked: CliResult;
      let underLock: { current: string; history: HistoryEntry[] };
      try {
        underLock = { current: await ok(["stack", "export"]), history: await history() }; // taking a service lock is an update of its own
        locked = await cli.runAsync(["stack", "restore", "--version", String(first)]);
        expect({ current: await ok(["stack", "export"]), history: await history() }).toEqual(underLock);
      } finally {
        await lock.release();
        await backend.close();
      }
      expect(locked.status, locked.stderr).toBe(6);
      expect(locked.stderr).toContain(String(lock.info.pid));
    } finally {
      cli.dispose();
    }
  });
});

describe("cairn stack restore: the command line", () => {
  it("says which version it restored and the version it recorded; a restore of the current state is recorded and says so", async () => {
    const { cli, ok, history } = await seeded(servers.fresh("file"));
    try {
      const newest = (await history())[0]!.version;
      expect(await ok(["stack", "restore", "--version", "1"])).toBe(`Restored stack organization/demo/dev to version 1, recorded as version ${newest + 1} (3 resources)\n`);
      const again = await ok(["stack", "restore", "--version", String(newest + 1)]);
      expect(again).toContain(`to version ${newest + 1}, recorded as version ${newest + 2}`);
      expect(again).toContain(`The current state already equalled version ${newest + 1}: nothing changed but the history entry.`);
      const table = await ok(["stack", "history"]);
      expect(table.split("\n")[0]).toMatch(/MESSAGE$/);
      expect(table).toContain(restoreMessage(newest + 1));
      expect(await ok(["stack", "restore", "--help"])).toContain("--version <n>");
    } finally {
      cli.dispose();
    }
  });

  it("takes exactly one of --version and --from-backup, and only a version from 1 up, before touching anything", async () => {
    const { cli, ok, history } = await seeded(servers.fresh("file"));
    try {
      const settled = { current: await ok(["stack", "export"]), history: await history() };
      for (const args of [[], ["--version", "1", "--from-backup"], ["--version", "0"], ["--version", "abc"], ["--version", "1.5"]]) {
        const result = await cli.runAsync(["stack", "restore", ...args]);
        expect(result.status, `restore ${args.join(" ")}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toMatch(/--version|--from-backup/);
      }
      expect({ current: await ok(["stack", "export"]), history: await history() }).toEqual(settled);
    } finally {
      cli.dispose();
    }
  });
});
