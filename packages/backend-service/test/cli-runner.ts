import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CAIRN_BIN = fileURLToPath(new URL("../../../apps/cli/bin/cairn.js", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
export const SAMPLE_DEPLOYMENT = fileURLToPath(new URL("../../../examples/sample-deployment.json", import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * A cairn CLI user: its own PULUMI_HOME with this package installed in cairn's plugin directory
 * (as `npm install --prefix <home>/cairn/plugins @cairn/backend-service` would), and a project.
 */
export function createCliUser(
  root: string,
  name: string,
): { home: string; project: string; run(args: string[], env?: Record<string, string | undefined>, options?: { cwd?: string }): CliResult; start(args: string[], env?: Record<string, string | undefined>): ChildProcess } {
  const home = join(root, `${name}-home`);
  const project = join(root, `${name}-project`);
  const scope = join(home, "cairn", "plugins", "node_modules", "@cairn");
  mkdirSync(scope, { recursive: true });
  symlinkSync(PACKAGE_DIR, join(scope, "backend-service"), "dir");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
  return {
    home,
    project,
    run(args, extra = {}, options = {}) {
      const result = spawnSync(process.execPath, [CAIRN_BIN, ...args], { cwd: options.cwd ?? project, env: cliEnv(home, extra), input: "", encoding: "utf8" });
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    /** The CLI as a running process, for commands that wait on something (the browser login). */
    start(args, extra = {}) {
      return spawn(process.execPath, [CAIRN_BIN, ...args], { cwd: project, env: cliEnv(home, extra), stdio: ["ignore", "pipe", "pipe"] });
    },
  };
}

function cliEnv(home: string, extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, PULUMI_HOME: home, PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple", ...extra };
  delete env.PULUMI_BACKEND_URL;
  if (!("PULUMI_ACCESS_TOKEN" in extra)) delete env.PULUMI_ACCESS_TOKEN;
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env as Record<string, string>;
}
