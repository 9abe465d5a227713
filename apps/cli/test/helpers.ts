import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { createCliSandbox, type CliResult } from "@cairn/test-servers/cli-sandbox";

export { CAIRN_BIN, SAMPLE_DEPLOYMENT } from "@cairn/test-servers/cli-sandbox";
/** Pulumi's own files, written by the real Pulumi CLI: packages/core/test/fixtures/pulumi/README.md. */
export const FIXTURES = fileURLToPath(new URL("../../../packages/core/test/fixtures/pulumi/", import.meta.url));
/** The passphrase those fixtures' secrets are sealed with (their README). */
export const FIXTURE_PASSPHRASE = "cairn fixtures: correct horse battery staple";

/** Asserts a secret appears in neither output stream of a CLI run. */
export function expectNotShown(result: { stdout: string; stderr: string }, secret: string): void {
  expect(result.stdout).not.toContain(secret);
  expect(result.stderr).not.toContain(secret);
}

/** The shared CLI sandbox plus a file:// state directory, which most CLI tests log in to. */
export interface Sandbox {
  root: string;
  home: string;
  state: string;
  stateUrl: string;
  project: string;
  run(args: string[], options?: { cwd?: string; env?: Record<string, string | undefined>; input?: string }): CliResult;
  dispose(): void;
}

export function createSandbox(projectName = "demo"): Sandbox {
  const cli = createCliSandbox({}, { projectName });
  const state = join(cli.root, "state");
  return {
    root: cli.root,
    home: cli.home,
    state,
    stateUrl: `file://${state}`,
    project: cli.project,
    run: (args, options = {}) => cli.run(args, options.env, options),
    dispose: cli.dispose,
  };
}

/**
 * Every file under `dir` (relative path → contents, base64 unless `encoding` says otherwise):
 * comparing two snapshots is how tests assert that a failed command changed nothing.
 */
export function snapshotFiles(dir: string, encoding: BufferEncoding = "base64"): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else files[relative(dir, child)] = readFileSync(child, encoding);
    }
  };
  walk(dir);
  return files;
}
