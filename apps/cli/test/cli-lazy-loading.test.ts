import { afterEach, beforeEach, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CAIRN_BIN, createSandbox, type Sandbox } from "./helpers.js";

const TRACE_HOOK = fileURLToPath(new URL("../../../bench/trace-imports.mjs", import.meta.url));

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.dispose());

it("a file:// command loads the file backend and no other backend or cloud SDK", () => {
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  const trace = join(sandbox.root, "imports.txt");
  const result = spawnSync(process.execPath, ["--import", TRACE_HOOK, CAIRN_BIN, "whoami"], {
    cwd: sandbox.project,
    env: { ...process.env, PULUMI_HOME: sandbox.home, CAIRN_TRACE_IMPORTS: trace },
    encoding: "utf8",
  });
  expect(result.status).toBe(0);
  const loaded = readFileSync(trace, "utf8").split("\n");
  expect(loaded.some((url) => url.includes("backend-file/dist"))).toBe(true);
  expect(loaded.filter((url) => /backend-memory|@aws-sdk|@azure|@google-cloud|isomorphic-git/.test(url))).toEqual([]);
});
