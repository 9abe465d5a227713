import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  BACKEND_CHECKS,
  CORE_OVER_STORE_CHECKS,
  MISSING_CONTAINER_TITLE,
  PAUSED_WRITER_TITLE,
  PLUGIN_PACKAGE_CHECKS,
  RETRIED_WRITE_CHECKS,
  STORE_CHECKS,
  TWO_INSTANCE_CHECKS,
  lockRaceTitle,
} from "../src/index.js";

// CHECKS.md is generated from the built suite (scripts/check-list.mjs). A check added to a suite
// without regenerating it (`pnpm docs:checks`) fails here, and so does a hand edit of the file.
const packageDir = fileURLToPath(new URL("../", import.meta.url));
const run = promisify(execFile);

describe("CHECKS.md, the generated list of every conformance check", () => {
  it("is what scripts/check-list.mjs generates from the built suite", async () => {
    const result = await run(process.execPath, ["scripts/check-list.mjs", "--check"], { cwd: packageDir }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? "" }),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("names every check of every suite in the sources, with its function", async () => {
    const doc = await readFile(new URL("../CHECKS.md", import.meta.url), "utf8");
    const tables = [STORE_CHECKS, CORE_OVER_STORE_CHECKS, BACKEND_CHECKS, TWO_INSTANCE_CHECKS, RETRIED_WRITE_CHECKS, PLUGIN_PACKAGE_CHECKS];
    const checks = tables.flatMap((table) => table.map((check) => ({ title: check.title, fn: check.run.name })));
    expect(checks.length).toBeGreaterThan(40);
    for (const { title, fn } of checks) {
      expect(doc, title).toContain(`| ${title.replaceAll("|", "\\|")} | \`${fn}\` |`);
    }
    for (const title of [MISSING_CONTAINER_TITLE, PAUSED_WRITER_TITLE, lockRaceTitle()]) expect(doc).toContain(title);
  });
});
