import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import type { StateStore } from "@cairn/core/driver";
import { ConformanceFailure } from "./assertions.js";
import { valueFor, type ChildReport, type ChildStart } from "./paused-writer-protocol.js";

export interface PausedWriterStore {
  /** The parent's store instance, over fresh state. */
  store: StateStore;
  /** JSON-serialisable arguments for the child's `openStore(args)`, opening the SAME state. */
  childArgs: unknown;
}

export interface PausedWriterOptions {
  /** Opens the parent's store over fresh, empty state and says how the child opens that state. */
  create(): Promise<PausedWriterStore>;
  /**
   * Absolute path (or file: URL) of an ES module plain Node can import (built JavaScript, not
   * TypeScript) that exports `openStore(args): Promise<StateStore>`; the child process calls it
   * with `childArgs`.
   */
  childModule: string;
  /**
   * Makes `ms` pass for the PARENT's store (its lock timeouts, lease expiries, stale-lock ages),
   * e.g. `(store) => clock.advance(ms)` on a clock you gave the store. Called once the child is
   * stopped, so the child looks paused for longer than every timeout and lease. Leave it out only
   * if your store has no time-based rule at all.
   */
  advanceTime?(store: StateStore, ms: number): void | Promise<void>;
  cleanup?(store: StateStore): Promise<void>;
  /** How many stops, spread over the length of one write (default 6). */
  trials?: number;
  /** Size of the child's value, so its write has a window to stop in (default 32 MiB). */
  valueBytes?: number;
  /** The pause `advanceTime` is asked for (default one day). */
  pausedForMs?: number;
  /**
   * Real time after which the child is resumed even though the parent's write has not settled
   * (default 30 s). A server that handles one request at a time (an emulator) cannot answer the
   * parent while the stopped child's request is open; without this the check would deadlock. On a
   * store that answers the parent, this never fires.
   */
  resumeChildAfterMs?: number;
  /** vitest timeout of the whole check (default 240 s). */
  timeoutMs?: number;
}

/** For a store that cannot be opened from a second process (in-memory): registered as skipped. */
export interface PausedWriterUnsupported {
  unsupported: string;
}

export interface PausedWriterTrial {
  /** Real milliseconds between telling the child to write and stopping it. */
  stopAfterMs: number;
  child: ChildReport & { type: "result" };
  parent: { ok: true; version: string } | { ok: false; message: string };
  /** The parent's write had not settled when the child was resumed (`resumeChildAfterMs`). */
  resumedBeforeParentSettled: boolean;
}

const RUNNER = compiledBeside("paused-writer-child.js");

/**
 * `childModule` for a store shipped as a backend plugin: pass `childArgs` of the form
 * `{ plugin: <absolute path of the built plugin entry>, url, context: OpenContext }` (`PluginStoreArgs`)
 * and the child opens the store through the plugin's `open(url, context)`, as the CLI does.
 */
export const PLUGIN_STORE_OPENER = compiledBeside("plugin-store-opener.js");

/**
 * A writer stopped inside its compare-and-swap must never overwrite a newer commit when it
 * resumes. For each trial: the parent stores a base value; a child process (its own store
 * instance) reads it and starts a conditional `put` of a large value from that base version; the
 * parent SIGSTOPs the child some way into that write (the trials spread the stop over the length
 * of one write, so stops land before, inside and after the store's check-then-commit window),
 * lets `pausedForMs` pass for its own store (`advanceTime`), and makes its own conditional `put`
 * from the same base version; then the child continues. Of the two, at most one may have been
 * told it succeeded, one must have been, and the stored bytes must be that one's.
 */
export async function checkPausedWriter(options: PausedWriterOptions): Promise<PausedWriterTrial[]> {
  const trials = options.trials ?? 6;
  const valueBytes = options.valueBytes ?? 32 * 1024 * 1024;
  const writeMs = await timeOneWrite(options, valueBytes);
  const results: PausedWriterTrial[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const stopAfterMs = Math.round((writeMs * (trial + 0.5)) / trials);
    results.push(await runTrial(options, trial, stopAfterMs, valueBytes));
  }
  return results;
}

/** The paused-writer check's test title. */
export const PAUSED_WRITER_TITLE = "a writer stopped inside a compare-and-swap (SIGSTOP, longer than every timeout and lease) never overwrites a newer commit";

/** Registers the check as one vitest test (or as skipped, with the reason in its title). */
export function describePausedWriterConformance(name: string, options: PausedWriterOptions | PausedWriterUnsupported): void {
  describe(`${name}: paused writer`, () => {
    if ("unsupported" in options) {
      it.skip(`a writer stopped inside a compare-and-swap never overwrites a newer commit — skipped: ${options.unsupported}`, () => {});
      return;
    }
    it(
      PAUSED_WRITER_TITLE,
      async () => {
        await checkPausedWriter(options);
      },
      options.timeoutMs ?? 240_000,
    );
  });
}

/** The real time one uncontended conditional write of `valueBytes` takes, to spread the stops over. */
async function timeOneWrite(options: PausedWriterOptions, valueBytes: number): Promise<number> {
  const { store } = await options.create();
  try {
    const key = "conformance/paused-writer/timing";
    const base = await store.put(key, valueFor("timing base", 16));
    const started = performance.now();
    await store.put(key, valueFor("timing", valueBytes), { ifMatch: base });
    return Math.max(1, performance.now() - started);
  } finally {
    await options.cleanup?.(store);
    await store.close();
  }
}

async function runTrial(options: PausedWriterOptions, trial: number, stopAfterMs: number, valueBytes: number): Promise<PausedWriterTrial> {
  const { store, childArgs } = await options.create();
  const key = `conformance/paused-writer/trial-${trial}`;
  const childTag = `child trial ${trial}`;
  const parentTag = `parent trial ${trial}`;
  const child = new ChildRun();
  try {
    const baseVersion = await store.put(key, valueFor(`base trial ${trial}`, 64));
    const start: ChildStart = { type: "start", module: options.childModule, args: childArgs, key, baseVersion, tag: childTag, valueBytes };
    child.start(start);
    await child.next("ready");
    const result = child.next("result");
    result.catch(() => {}); // awaited below; a child failing meanwhile must not be an unhandled rejection
    child.go();
    await new Promise((resolve) => setTimeout(resolve, stopAfterMs)); // where the stop lands, not a wait for time to pass
    await child.stop();
    await options.advanceTime?.(store, options.pausedForMs ?? 24 * 60 * 60 * 1000);
    const parentWrite: Promise<PausedWriterTrial["parent"]> = store.put(key, valueFor(parentTag, 64), { ifMatch: baseVersion }).then(
      (version) => ({ ok: true, version }),
      (error: unknown) => ({ ok: false, message: error instanceof Error ? error.message : String(error) }),
    );
    let timer: NodeJS.Timeout | undefined;
    const resumedBeforeParentSettled = await Promise.race([
      parentWrite.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), options.resumeChildAfterMs ?? 30_000))),
    ]);
    clearTimeout(timer);
    child.resume();
    const [parent, childResult] = await Promise.all([parentWrite, result]);
    const outcome: PausedWriterTrial = { stopAfterMs, child: childResult, parent, resumedBeforeParentSettled };
    const final = await store.get(key);
    judge(outcome, final?.bytes, { key, trial, baseVersion, child: valueFor(childTag, valueBytes), parent: valueFor(parentTag, 64) });
    return outcome;
  } finally {
    await child.kill();
    await options.cleanup?.(store);
    await store.close();
  }
}

function judge(
  outcome: PausedWriterTrial,
  final: Uint8Array | undefined,
  expected: { key: string; trial: number; baseVersion: string; child: Uint8Array; parent: Uint8Array },
): void {
  const where = `trial ${expected.trial} (child stopped ${outcome.stopAfterMs} ms into its write of ${expected.key} from version ${expected.baseVersion})`;
  const childSaid = outcome.child.ok ? `succeeded (version ${outcome.child.version})` : `failed: ${outcome.child.message}`;
  const parentSaid = outcome.parent.ok ? `succeeded (version ${outcome.parent.version})` : `failed: ${outcome.parent.message}`;
  const story = `the paused child ${childSaid}; the parent ${parentSaid}; the key now holds ${describeBytes(final, expected)}`;
  if (outcome.child.ok && outcome.parent.ok) {
    throw new ConformanceFailure(`lost update in ${where}: both writers were told their compare-and-swap from the same version succeeded — ${story}`);
  }
  if (!outcome.child.ok && !outcome.parent.ok) {
    throw new ConformanceFailure(`${where}: neither writer succeeded, so nothing was proven — ${story}`);
  }
  const winner = outcome.child.ok ? expected.child : expected.parent;
  if (final === undefined || !sameBytes(final, winner)) {
    throw new ConformanceFailure(`lost update in ${where}: the stored bytes are not those of the writer told it succeeded — ${story}`);
  }
}

function describeBytes(bytes: Uint8Array | undefined, expected: { child: Uint8Array; parent: Uint8Array }): string {
  if (bytes === undefined) return "nothing";
  if (sameBytes(bytes, expected.child)) return "the child's bytes";
  if (sameBytes(bytes, expected.parent)) return "the parent's bytes";
  return `${bytes.length} bytes that are neither writer's (starting ${JSON.stringify(new TextDecoder().decode(bytes.subarray(0, 24)))})`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The child process and its reports, in order. */
class ChildRun {
  private process: ChildProcess | undefined;
  private stderr = "";
  private readonly reports: ChildReport[] = [];
  private waiting: (() => void) | undefined;
  private exited: string | undefined;

  start(message: ChildStart): void {
    const child = fork(RUNNER, [], { execArgv: [], stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "json" });
    this.process = child;
    child.stderr!.on("data", (chunk: Buffer) => (this.stderr = `${this.stderr}${chunk.toString("utf8")}`.slice(-4000)));
    child.on("message", (report: ChildReport) => {
      this.reports.push(report);
      this.waiting?.();
    });
    child.on("error", (error) => (this.stderr += `\n${error.message}`));
    child.on("exit", (code, signal) => {
      this.exited = `exited (${signal ?? `code ${code}`})`;
      this.waiting?.();
    });
    child.send(message);
  }

  async next<T extends ChildReport["type"]>(type: T): Promise<Extract<ChildReport, { type: T }>> {
    for (;;) {
      const index = this.reports.findIndex((report) => report.type === type || report.type === "fatal");
      if (index >= 0) {
        const report = this.reports.splice(index, 1)[0]!;
        if (report.type === "fatal") throw new ConformanceFailure(`the child process failed: ${report.message}`);
        return report as Extract<ChildReport, { type: T }>;
      }
      if (this.exited !== undefined) throw new ConformanceFailure(`the child process ${this.exited} before reporting "${type}"${this.stderr === "" ? "" : `:\n${this.stderr}`}`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  go(): void {
    this.process!.send({ type: "put" });
  }

  /** SIGSTOP, and (where /proc shows it) wait until the kernel has actually stopped it. */
  async stop(): Promise<void> {
    const pid = this.process!.pid!;
    if (this.exited !== undefined) return;
    this.process!.kill("SIGSTOP");
    for (let polls = 0; polls < 2000 && this.exited === undefined; polls++) {
      const state = processState(pid);
      if (state === undefined || state === "T" || state === "t") return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  resume(): void {
    if (this.exited === undefined) this.process!.kill("SIGCONT");
  }

  /** Ends the child whatever state it is in, and waits until it has gone. */
  async kill(): Promise<void> {
    const child = this.process;
    if (child === undefined || this.exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await gone;
  }
}

/** The state letter of /proc/<pid>/stat (Linux); undefined where there is no /proc. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

/** A compiled module beside this one (from src/ under a TypeScript runner: the dist copy, which plain Node can run). */
function compiledBeside(file: string): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith(".ts") ? join(dirname(here), "..", "dist", file) : join(dirname(here), file);
}
