import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const CAIRN_BIN = fileURLToPath(new URL("../bin/cairn.js", import.meta.url));
export const SAMPLE_DEPLOYMENT = fileURLToPath(new URL("../../../examples/sample-deployment.json", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/pulumi/", import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** A throwaway world: PULUMI_HOME, a state directory, and a project directory with Pulumi.yaml. */
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
  const root = mkdtempSync(join(tmpdir(), "cairn-cli-"));
  const home = join(root, "home");
  const state = join(root, "state");
  const project = join(root, "project");
  mkdirSync(project);
  writeFileSync(join(project, "Pulumi.yaml"), `name: ${projectName}\nruntime: nodejs\n`);
  return {
    root,
    home,
    state,
    stateUrl: `file://${state}`,
    project,
    run(args, options = {}) {
      const env: Record<string, string | undefined> = { ...process.env, PULUMI_HOME: home, PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple", ...options.env };
      // Variables given as undefined are removed, so a test can run without them.
      for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
      if (!options.env || !("PULUMI_BACKEND_URL" in options.env)) delete env.PULUMI_BACKEND_URL;
      const result = spawnSync(process.execPath, [CAIRN_BIN, ...args], {
        cwd: options.cwd ?? project,
        env,
        input: options.input ?? "",
        encoding: "utf8",
      });
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
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
