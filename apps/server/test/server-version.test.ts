import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/cairn-server.js", import.meta.url));
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

it("cairn-server --version (and -v) prints the published version and starts nothing", () => {
  for (const flag of ["--version", "-v"]) {
    const result = spawnSync(process.execPath, [BIN, flag], { encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH, HOME: "/nonexistent-home" } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.stderr).toBe("");
  }
});

it("--help names --version", () => {
  const result = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8", timeout: 30_000 });
  expect(result.stdout).toContain("--version");
});
