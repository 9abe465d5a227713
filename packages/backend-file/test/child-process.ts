import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The BUILT package entry: the children run what users install, not the sources. */
const BUILT_ENTRY = new URL("../dist/index.js", import.meta.url);

export function builtEntryUrl(): string {
  if (!existsSync(BUILT_ENTRY)) {
    throw new Error(`${fileURLToPath(BUILT_ENTRY)} is missing: run \`pnpm exec tsc -b packages/backend-file\` first`);
  }
  return BUILT_ENTRY.href;
}

export interface Child {
  process: ChildProcessWithoutNullStreams;
  /** Every complete stdout line so far. */
  lines: string[];
  /** Resolves when a line matching `pattern` has been printed. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Resolves with the exit signal or code once the process has exited and its output is read. */
  exited: Promise<NodeJS.Signals | number | null>;
}

export function spawnFixture(script: string, args: string[]): Child {
  const path = fileURLToPath(new URL(`fixtures/${script}`, import.meta.url));
  const child = spawn(process.execPath, [path, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let pending = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("close", (code, signal) => resolve(signal ?? code)));
  return {
    process: child,
    lines,
    exited,
    waitForLine: (pattern) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then((how) => reject(new Error(`${script} exited (${String(how)}) before printing ${pattern}: ${stderr}`)));
      });
    },
  };
}

