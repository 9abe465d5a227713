import { afterEach, beforeEach, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, SAMPLE_DEPLOYMENT, snapshotFiles, type Sandbox } from "./helpers.js";

let sandbox: Sandbox;
const files = () => snapshotFiles(sandbox.state, "utf8");

/** A store written by an old Pulumi: no meta.yaml, stacks directly under .pulumi/stacks. */
function writeLegacyStore(): void {
  const write = (key: string, content: unknown) => {
    mkdirSync(join(sandbox.state, key, ".."), { recursive: true });
    writeFileSync(join(sandbox.state, key), typeof content === "string" ? content : JSON.stringify(content, null, 4));
  };
  const deployment = JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8")).deployment;
  write(".pulumi/stacks/dev.json", { version: 3, checkpoint: { stack: "dev", latest: deployment } });
  write(".pulumi/stacks/dev.json.bak", { version: 3, checkpoint: { stack: "dev", latest: deployment } });
  write(".pulumi/history/dev/dev-1700000000000000000.history.json", { kind: "update", startTime: 1700000000, message: "", environment: {}, config: {}, version: 0, result: "succeeded", endTime: 1700000003 });
  write(".pulumi/history/dev/dev-1700000000000000000.checkpoint.json", { version: 3, checkpoint: { stack: "dev", latest: deployment } });
  write(".pulumi/backups/dev/dev.1700000000000000000.json", { version: 3, checkpoint: { stack: "dev", latest: deployment } });
  write(".pulumi/stacks/empty.json", { version: 3, checkpoint: { stack: "empty" } });
}

beforeEach(() => {
  sandbox = createSandbox();
  writeLegacyStore();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
});
afterEach(() => sandbox.dispose());

it("reads a legacy store as it is", () => {
  expect(existsSync(join(sandbox.state, ".pulumi/meta.yaml"))).toBe(false);
  const ls = JSON.parse(sandbox.run(["stack", "ls", "--all", "--json"]).stdout);
  expect(ls.map((s: { name: string }) => s.name).sort()).toEqual(["dev", "empty"]);
});

it("refuses, changing nothing, when a stack's project cannot be told; --project names it", () => {
  const before = files();
  const refused = sandbox.run(["state", "upgrade", "--yes"]);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toContain("--project empty=<project>");
  expect(files()).toEqual(before);

  const dryRun = sandbox.run(["state", "upgrade", "--project", "empty=demo", "--dry-run", "--json"]);
  expect(dryRun.status).toBe(0);
  expect(JSON.parse(dryRun.stdout).stacks).toHaveLength(2);
  expect(files()).toEqual(before);

  const upgraded = sandbox.run(["state", "upgrade", "--project", "empty=demo", "--yes"]);
  expect(upgraded.stderr).toBe("");
  expect(upgraded.status).toBe(0);
  const after = files();
  expect(after[".pulumi/meta.yaml"]).toBe("version: 1\n");
  expect(Object.keys(after).sort()).toEqual([
    ".pulumi/backups/demo/dev/dev.1700000000000000000.json",
    ".pulumi/history/demo/dev/dev-1700000000000000000.checkpoint.json",
    ".pulumi/history/demo/dev/dev-1700000000000000000.history.json",
    ".pulumi/meta.yaml",
    ".pulumi/stacks/demo/dev.json",
    ".pulumi/stacks/demo/dev.json.bak",
    ".pulumi/stacks/demo/empty.json",
  ]);
  expect(JSON.parse(after[".pulumi/stacks/demo/dev.json"]!).checkpoint.stack).toBe("organization/demo/dev");

  // The upgraded store works as a project-scoped one, history included; a re-run is a no-op.
  expect(JSON.parse(sandbox.run(["stack", "ls", "--json"]).stdout).map((s: { name: string }) => s.name).sort()).toEqual(["dev", "empty"]);
  expect(JSON.parse(sandbox.run(["stack", "history", "--stack", "dev", "--json"]).stdout)).toMatchObject([{ kind: "update", startTime: "2023-11-14T22:13:20.000Z" }]);
  expect(JSON.parse(sandbox.run(["stack", "export", "--stack", "dev"]).stdout).deployment.resources).toHaveLength(3);
  const again = sandbox.run(["state", "upgrade", "--yes"]);
  expect(again.stdout).toContain("nothing to do");
  expect(files()).toEqual(after);
});
