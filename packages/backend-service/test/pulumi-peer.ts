import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { peer } from "@cairn/test-servers/peers";
import type { CliResult } from "./cli-runner.js";

/**
 * The real Pulumi CLI (v3.274.1, `peer("pulumi")`) for a cairn CLI user: the same PULUMI_HOME (so
 * one credentials.json, config.json and stack selection), the environment packages/interop uses
 * (nothing from the test machine leaks in), the server's token in PULUMI_ACCESS_TOKEN.
 */
export function pulumiFor(user: { home: string; project: string }, root: string, token: string): PulumiRunner {
  const { pulumi } = peer("pulumi");
  const environment = (extra: Record<string, string> = {}): Record<string, string> => ({
      PATH: process.env.PATH ?? "",
      HOME: root,
      PULUMI_HOME: user.home,
      PULUMI_ACCESS_TOKEN: token,
      PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NO_COLOR: "1",
      ...extra,
  });
  const run = ((args, options = {}) => {
    const result = spawnSync(pulumi, args, { cwd: options.cwd ?? user.project, env: environment(options.env), encoding: "utf8", input: "", timeout: 120_000 });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }) as PulumiRunner;
  run.async = (args, options = {}) => finished(spawn(pulumi, args, { cwd: options.cwd ?? user.project, env: environment(options.env), stdio: ["ignore", "pipe", "pipe"] }));
  return run;
}

export interface PulumiRunner {
  (args: string[], options?: { cwd?: string; env?: Record<string, string> }): CliResult;
  /** Without blocking this process: for a server (a proxy) that runs inside the test process. */
  async(args: string[], options?: { cwd?: string; env?: Record<string, string> }): Promise<CliResult>;
}

/** The result of a process once it exits. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr })));
}

/** Fails with both streams when a command failed; returns stdout. */
export function ok(result: CliResult, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  return result.stdout;
}
