import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, expectNotShown, SAMPLE_DEPLOYMENT, type Sandbox } from "./helpers.js";

/** One stack's file turned into not-JSON (holding a would-be secret no output may quote), next to an intact stack. */
const SECRET = "hunter2-never-print-me";
const QUALIFIED = "organization/demo/dev";

let sandbox: Sandbox;
let stackFile: string;
beforeEach(() => {
  sandbox = createSandbox();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  expect(sandbox.run(["stack", "init", "other"]).status).toBe(0);
  expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
  expect(sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT, "--force"]).status).toBe(0); // `.bak`: the stack as created
  stackFile = join(sandbox.state, ".pulumi/stacks/demo/dev.json");
  writeFileSync(stackFile, `{"version": 3, "checkpoint": {"stack": "${SECRET}`);
});
afterEach(() => sandbox.dispose());

describe("a stack whose file is broken", () => {
  it("stack ls lists the others normally and marks it broken, with the reason and next step (text and --json)", () => {
    const text = sandbox.run(["stack", "ls"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^other\s+\S+Z\s+0$/m);
    expect(text.stdout).toMatch(/^dev\*\s+BROKEN\s+n\/a$/m);
    expect(text.stderr).toContain("warning: stack dev is broken: its file .pulumi/stacks/demo/dev.json is not valid JSON");
    expect(text.stderr).toContain(`cairn stack restore --from-backup --stack ${QUALIFIED}`);
    expectNotShown(text, SECRET);

    const json = sandbox.run(["stack", "ls", "--json"]);
    expect(json.status).toBe(0);
    expectNotShown(json, SECRET);
    const listed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(listed).toEqual([
      { name: "dev", current: true, broken: { file: ".pulumi/stacks/demo/dev.json", reason: expect.stringContaining("not valid JSON"), backup: ".pulumi/stacks/demo/dev.json.bak", hint: expect.stringContaining("cairn stack restore --from-backup") } },
      { name: "other", current: false, lastUpdate: expect.any(String), resourceCount: 0 },
    ]);
  });

  it("other commands fail naming the file, the reason and the restore command", () => {
    const result = sandbox.run(["stack", "export"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`error: stack ${QUALIFIED} is broken: its file .pulumi/stacks/demo/dev.json is not valid JSON`);
    expect(result.stderr).toContain(`cairn stack restore --from-backup --stack ${QUALIFIED}`);
    expectNotShown(result, SECRET);
    // An import without --force does not replace it, and says how to.
    const imported = sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    expect(imported.status).not.toBe(0);
    expectNotShown(imported, SECRET);
  });

  it("stack restore --from-backup puts the .bak back", () => {
    const restored = sandbox.run(["stack", "restore", "--from-backup"]);
    expect(restored.stderr).toBe("");
    expect(restored.stdout).toContain(`Restored stack ${QUALIFIED} from .pulumi/stacks/demo/dev.json.bak`);
    const exported = JSON.parse(sandbox.run(["stack", "export"]).stdout) as { deployment: { resources?: unknown[] } };
    expect(exported.deployment.resources ?? []).toEqual([]); // the stack as created, before the import
    expect(sandbox.run(["stack", "ls"]).stderr).toBe("");
  });

  it("stack import --force replaces it, keeping the intact .bak", () => {
    const bak = readFileSync(`${stackFile}.bak`, "utf8");
    const result = sandbox.run(["stack", "import", "--force", "--file", SAMPLE_DEPLOYMENT]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(sandbox.run(["stack", "export"]).stdout)).toEqual(JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8")));
    expect(readFileSync(`${stackFile}.bak`, "utf8")).toBe(bak);
  });

  it("stack unlock --force works, and stack rm --force removes it", () => {
    const unlocked = sandbox.run(["stack", "unlock", "--force"]);
    expect(unlocked.stderr).toBe("");
    expect(unlocked.status).toBe(0);
    const refused = sandbox.run(["stack", "rm", "--yes"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--force");
    const removed = sandbox.run(["stack", "rm", "--force", "--yes"]);
    expect(removed.stderr).toBe("");
    expect(removed.status).toBe(0);
    expect(existsSync(stackFile)).toBe(false);
    expect(JSON.parse(sandbox.run(["stack", "ls", "--json"]).stdout)).toEqual([{ name: "other", current: false, lastUpdate: expect.any(String), resourceCount: 0 }]);
  });
});
