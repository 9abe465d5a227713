import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CAIRN_BIN, createSandbox, type Sandbox } from "./helpers.js";

/**
 * The built CLI as a user runs it (bin → dist bundle): start-up reads a handful of files, and the
 * CLI and the backend it loads share one @cairn/core — a second copy would make `instanceof
 * CairnError` false for the plugin's errors and split the process-wide lock registry.
 */

const TRACE_HOOK = fileURLToPath(new URL("../../../bench/trace-imports.mjs", import.meta.url));

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
});
afterAll(() => sandbox?.dispose());

/** The files (file: URLs, ESM and CommonJS) `cairn args…` loads. */
function filesLoaded(args: string[]): string[] {
  const trace = join(sandbox.root, `imports-${args.join("-")}.txt`);
  const result = spawnSync(process.execPath, ["--import", TRACE_HOOK, CAIRN_BIN, ...args], {
    cwd: sandbox.project,
    env: { ...process.env, PULUMI_HOME: sandbox.home, PULUMI_CONFIG_PASSPHRASE: "x", CAIRN_TRACE_IMPORTS: trace },
    encoding: "utf8",
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return readFileSync(trace, "utf8")
    .split("\n")
    .filter((url) => url.startsWith("file:"));
}

it("cairn stack ls on file:// loads one copy of @cairn/core, shared with the backend it loads", () => {
  const files = filesLoaded(["stack", "ls"]);
  expect(files.filter((url) => /\/packages\/core\/dist\/index\.js$/.test(url))).toHaveLength(1);
  expect(files.some((url) => url.includes("/backend-file/dist/"))).toBe(true);
  // No module of core's source tree (only its bundle), no npm package file: all are inlined or bundled.
  expect(files.filter((url) => url.includes("/node_modules/") || /\/packages\/core\/dist\/.+\//.test(url))).toEqual([]);
  expect(files.length).toBeLessThanOrEqual(14);
});

it("cairn version loads a handful of files, no YAML parser, no core and no command tree", () => {
  const files = filesLoaded(["version"]);
  expect(files.length).toBeLessThanOrEqual(4);
  expect(files.filter((url) => url.includes("/packages/core/"))).toEqual([]);
  const yamlChunks = files.filter((url) => /\/packages\/core\/dist\/chunk-/.test(url) && readFileSync(fileURLToPath(url), "utf8").includes("yaml/dist/"));
  expect(yamlChunks).toEqual([]);
});

it("the CLI bundle imports @cairn/core and holds no copy of it", () => {
  // Every file of the bundle (entries and chunks: the command tree is a chunk `main` imports lazily).
  const dist = fileURLToPath(new URL("../dist/", import.meta.url));
  const bundle = readdirSync(dist)
    .filter((name) => name.endsWith(".js"))
    .map((name) => readFileSync(join(dist, name), "utf8"))
    .join("\n");
  expect(bundle).toMatch(/from "@cairn\/core"/);
  // esbuild writes a class as `var CairnError = class extends Error`.
  expect(bundle).not.toMatch(/class CairnError\b|CairnError = class\b/);
  expect(bundle).not.toContain("packages/core/src/");
});
