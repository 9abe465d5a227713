import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach } from "vitest";
import { join } from "node:path";
import { CAIRN_BIN } from "@cairn/test-servers/cli-sandbox";
import { peer } from "@cairn/test-servers/peers";
import { storeUnderTest, type StoreName, type StoreUnderTest } from "./stores.js";

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  input?: string;
  env?: Record<string, string | undefined>;
}

export interface DriveOptions {
  components?: number;
  /** Mid-update the program creates `readyFile`, then waits until `waitFile` exists. */
  readyFile?: string;
  waitFile?: string;
  /** Extra environment for this run (e.g. another passphrase). */
  env?: Record<string, string | undefined>;
}

/** A `pulumi` program update running in the background (see `World.startDrive`). */
export interface RunningDrive {
  done: Promise<RunResult>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * One user's machine with both tools on it: one HOME, one PULUMI_HOME (so one credentials.json),
 * one project directory, one store. `pulumi` and `cairn` run as separate processes with exactly
 * this environment (nothing from the machine running the tests leaks in), the way a user switching
 * between the two would run them.
 */
export interface World {
  root: string;
  home: string;
  project: string;
  /** The project's name in `Pulumi.yaml` ("interop"). */
  projectName: string;
  store: StoreUnderTest;
  pulumi(args: string[], options?: RunOptions): RunResult;
  cairn(args: string[], options?: RunOptions): RunResult;
  /** Like `pulumi`/`cairn` but fails the test with both streams when the command fails. */
  pulumiOk(args: string[], options?: RunOptions): string;
  cairnOk(args: string[], options?: RunOptions): string;
  /** A real `pulumi up|preview|refresh|destroy` of the driver's program of N components. */
  drive(verb: "up" | "preview" | "refresh" | "destroy", stack: string, options?: DriveOptions): RunResult;
  startDrive(verb: "up" | "preview" | "refresh" | "destroy", stack: string, options?: DriveOptions): RunningDrive;
  /** A file in the project directory, as text ("" when absent). */
  projectFile(name: string): string;
  dispose(): void;
}

export const PASSPHRASE = "interop passphrase: correct horse battery staple";
const PROJECT = "interop";

/** `baseEnv` applies to every command of both tools (e.g. a PULUMI_DIY_BACKEND_* switch). */
export function createWorld(storeName: StoreName | ((scratch: string) => StoreUnderTest), baseEnv: Record<string, string> = {}): World {
  const pulumiPeer = peer("pulumi");
  const root = mkdtempSync(join(tmpdir(), `cairn-interop-${typeof storeName === "string" ? storeName : "service"}-`));
  const home = join(root, "pulumi-home");
  const project = join(root, "project");
  mkdirSync(project);
  // `runtime: go`: the driver serves the program itself (an inline program), no language host runs.
  writeFileSync(join(project, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: go\n`);
  const store = typeof storeName === "string" ? storeUnderTest(storeName, root) : storeName(root);

  const environment = (extra: Record<string, string | undefined> = {}): Record<string, string> => {
    const merged: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: root,
      PULUMI_HOME: home,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      // The machine has no route to Pulumi's update check or plugin downloads: never try them.
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      NO_COLOR: "1",
      ...store.env,
      ...baseEnv,
      ...extra,
    };
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(merged)) if (value !== undefined) env[name] = value;
    return env;
  };

  const run = (command: string, args: string[], options: RunOptions = {}): RunResult => {
    const result = spawnSync(command, args, {
      cwd: options.cwd ?? project,
      env: environment(options.env),
      encoding: "utf8",
      input: options.input ?? "",
      timeout: 170_000,
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
  const ok = (tool: string, result: RunResult, args: string[]): string => {
    if (result.status !== 0) {
      throw new Error(`${tool} ${args.join(" ")} exited ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    }
    return result.stdout;
  };
  const driveArgs = (verb: string, stack: string, options: DriveOptions): string[] => [
    verb,
    "--pulumi-root",
    pulumiPeer.root,
    "--dir",
    project,
    "--stack",
    stack,
    "--components",
    String(options.components ?? 1),
    ...(options.readyFile !== undefined ? ["--ready-file", options.readyFile, "--wait-file", options.waitFile ?? ""] : []),
  ];

  const running = new Set<RunningDrive>();
  const world: World = {
    root,
    home,
    project,
    projectName: PROJECT,
    store,
    pulumi: (args, options) => run(pulumiPeer.pulumi, args, options),
    cairn: (args, options) => run(process.execPath, [CAIRN_BIN, ...args], options),
    pulumiOk: (args, options) => ok("pulumi", world.pulumi(args, options), args),
    cairnOk: (args, options) => ok("cairn", world.cairn(args, options), args),
    drive: (verb, stack, options = {}) => run(pulumiPeer.driver, driveArgs(verb, stack, options), { env: options.env }),
    startDrive(verb, stack, options = {}) {
      // Its own process group, so a kill reaches the pulumi CLI it runs too (a whole client dies).
      const child = spawn(pulumiPeer.driver, driveArgs(verb, stack, options), { cwd: project, env: environment(options.env), stdio: ["ignore", "pipe", "pipe"], detached: true });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const done = new Promise<RunResult>((resolve) => child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr })));
      const drive: RunningDrive = {
        done,
        kill: (signal = "SIGTERM") => {
          try {
            if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal);
          } catch {
            // already gone
          }
        },
      };
      running.add(drive);
      void done.then(() => running.delete(drive));
      return drive;
    },
    projectFile: (name) => (existsSync(join(project, name)) ? readFileSync(join(project, name), "utf8") : ""),
    dispose() {
      // A test that failed midway may leave an update running: stop it before removing its files.
      for (const drive of running) drive.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true, maxRetries: 5 });
    },
  };
  return world;
}

/** Resolves once `file` exists: the driver's "the update is running" signal. */
export async function waitForFile(file: string, drive: RunningDrive): Promise<void> {
  let finished: RunResult | undefined;
  void drive.done.then((result) => (finished = result));
  while (!existsSync(file)) {
    if (finished !== undefined) throw new Error(`the update ended before it was ready:\n${finished.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 25)); // polls for an event, not for time to pass
  }
}

export interface WorldSetup {
  /** `pulumi login` to the store first (default true). */
  login?: boolean;
  /** Then `pulumi stack init` this stack. */
  stack?: string;
}

/**
 * For a test file: `open(store, env?)` makes a fresh world per test, set up as `setup` says, and
 * disposes of it after the test, whether it passed or not.
 */
export function worldPerTest(setup: WorldSetup = {}): (name: StoreName, env?: Record<string, string>) => World {
  let current: World | undefined;
  afterEach(() => {
    current?.dispose();
    current = undefined;
  });
  return (name, env = {}) => {
    const world = (current = createWorld(name, env));
    if (setup.login ?? true) world.pulumiOk(["login", world.store.url]);
    if (setup.stack !== undefined) world.pulumiOk(["stack", "init", setup.stack]);
    return world;
  };
}
