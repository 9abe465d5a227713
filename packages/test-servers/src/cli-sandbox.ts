import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** The real CLI binary and the sample deployment, from the checkout. */
export const CAIRN_BIN = fileURLToPath(new URL("../../../apps/cli/bin/cairn.js", import.meta.url));
export const SAMPLE_DEPLOYMENT = fileURLToPath(new URL("../../../examples/sample-deployment.json", import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliSandbox {
  root: string;
  home: string;
  project: string;
  /**
   * Runs `cairn args…` in the project directory (or `cwd`) with the sandbox's environment plus
   * `env` (a variable given as undefined is removed), `input` on stdin.
   */
  run(args: string[], env?: Record<string, string | undefined>, options?: { cwd?: string; input?: string }): CliResult;
  /**
   * `run` without blocking this process: for a CLI that talks to a server running inside the test
   * process (the git HTTP server, fake GCS), which a blocked event loop could never answer.
   */
  runAsync(args: string[], env?: Record<string, string | undefined>, options?: { cwd?: string; input?: string }): Promise<CliResult>;
  /** credentials.json as text ("" when absent): tests check no secret or failed login lands there. */
  storedCredentials(): string;
  dispose(): void;
}

/**
 * A throwaway world for end-to-end CLI tests of a backend: HOME and PULUMI_HOME in a temp dir, a
 * project directory with `Pulumi.yaml` (`name: demo` unless `projectName`), a passphrase, and NOTHING else from this
 * machine's environment (no cloud credentials or config files leak in), plus `baseEnv`.
 */
export function createCliSandbox(baseEnv: Record<string, string | undefined> = {}, options: { projectName?: string } = {}): CliSandbox {
  const root = mkdtempSync(join(tmpdir(), "cairn-cli-e2e-"));
  const home = join(root, "pulumi-home");
  const project = join(root, "project");
  mkdirSync(project);
  writeFileSync(join(project, "Pulumi.yaml"), `name: ${options.projectName ?? "demo"}\nruntime: nodejs\n`);
  const credentialsFile = join(home, "credentials.json");
  const environment = (env: Record<string, string | undefined>): Record<string, string> => {
    const merged: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: root,
      PULUMI_HOME: home,
      PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
      ...baseEnv,
      ...env,
    };
    for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
    return merged as Record<string, string>;
  };
  return {
    root,
    home,
    project,
    run(args, env = {}, { cwd = project, input = "" } = {}) {
      const result = spawnSync(process.execPath, [CAIRN_BIN, ...args], { cwd, env: environment(env), encoding: "utf8", input, timeout: 60_000 });
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    runAsync(args, env = {}, { cwd = project, input = "" } = {}) {
      const child = spawn(process.execPath, [CAIRN_BIN, ...args], { cwd, env: environment(env), stdio: ["pipe", "pipe", "pipe"], timeout: 60_000 });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end(input);
      return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
      });
    },
    storedCredentials: () => (existsSync(credentialsFile) ? readFileSync(credentialsFile, "utf8") : ""),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface LifecycleOptions {
  /** Extra environment for every command (credentials). */
  env?: Record<string, string | undefined>;
  /** Values that must never be written to credentials.json (keys, passwords, connection strings). */
  secrets?: string[];
  /** When given, `whoami -v` after login must print `Credential source: <this>` (and none of `secrets`). */
  credentialSource?: string;
}

/**
 * The lifecycle every backend must support through the CLI: login, stack init, ls --json, import
 * of the sample, export equal to it, history, rm, logout (which forgets the URL). Only the URL is
 * ever stored: none of `secrets` may reach credentials.json. With `credentialSource`, `whoami -v`
 * names where the credential came from.
 */
export function checkCliLifecycle(cli: CliSandbox, url: string, options: LifecycleOptions = {}): void {
  const env = options.env ?? {};
  const login = cli.run(["login", url], env);
  expect(login.stderr).toBe("");
  expect(login.status).toBe(0);
  // Pulumi's login line: `Logged in to <hostname, or the service URL> as <user> (<url>)`.
  expect(login.stdout).toMatch(/^Logged in to .+ as .+ \(.+\)\n$/);
  if (options.credentialSource !== undefined) {
    const whoami = cli.run(["whoami", "-v"], env);
    expect(whoami.status).toBe(0);
    expect(whoami.stdout.split("\n")).toContain(`Credential source: ${options.credentialSource}`);
    for (const secret of options.secrets ?? []) expect(whoami.stdout + whoami.stderr).not.toContain(secret);
  }
  expect(cli.run(["stack", "init", "dev"], env).status).toBe(0);
  const ls = cli.run(["stack", "ls", "--json"], env);
  expect(ls.status).toBe(0);
  expect((JSON.parse(ls.stdout) as Array<{ name: string; current: boolean }>).map(({ name, current }) => ({ name, current }))).toEqual([{ name: "dev", current: true }]);

  const imported = cli.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT], env);
  expect(imported.stderr).toBe("");
  expect(imported.status).toBe(0);
  const exported = cli.run(["stack", "export"], env);
  expect(exported.status).toBe(0);
  expect(JSON.parse(exported.stdout)).toEqual(JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8")));
  const history = cli.run(["stack", "history", "--json"], env);
  expect(history.status).toBe(0);
  expect((JSON.parse(history.stdout) as unknown[]).length).toBeGreaterThan(0);

  expect(cli.run(["stack", "rm", "--yes", "--force"], env).status).toBe(0);
  expect(JSON.parse(cli.run(["stack", "ls", "--json"], env).stdout)).toEqual([]);
  for (const secret of options.secrets ?? []) expect(cli.storedCredentials()).not.toContain(secret);
  expect(cli.run(["logout"], env).status).toBe(0);
  expect(cli.storedCredentials()).not.toContain(url);
}
