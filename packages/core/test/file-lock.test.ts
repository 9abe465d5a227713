import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { currentProcessIdentity, isCairnError, type CairnError } from "../src/index.js";
import { ManualClock, withFileLock } from "../src/driver.js";

const HOLDER = fileURLToPath(new URL("./fixtures/lock-holder.mjs", import.meta.url));
const DAY = 24 * 60 * 60 * 1000;

let dir: string;
let lockPath: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-file-lock-"));
  lockPath = join(dir, "thing.lock");
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  }
  await rm(dir, { recursive: true, force: true });
});

/** A real process on this host that holds `lockPath` (taken through the built @cairn/core). */
async function startHolder(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLDER, lockPath], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("held") && resolve());
    child.once("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

async function killed(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await gone;
}

/** The error `withFileLock` fails with, after `clock` has run past its timeout. */
async function lockFailure(clock: ManualClock): Promise<CairnError> {
  const error = await withFileLock(lockPath, async () => "got it", { clock }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isCairnError(error)) throw new Error(`expected a CairnError, got ${String(error)}`);
  return error;
}

describe("withFileLock", () => {
  it("never breaks the lock of a live owner, however long it is stopped; the waiter names holder and file", async () => {
    const holder = await startHolder();
    holder.kill("SIGSTOP");
    const clock = new ManualClock();
    clock.advance(DAY);
    const error = await lockFailure(clock);
    expect(error.code).toBe("Timeout");
    expect(error.message).toContain(`held by `);
    expect(error.message).toContain(`@${hostname()} pid ${holder.pid} since `);
    expect(error.message).toContain(lockPath);
    expect(error.hint).toContain(`delete ${lockPath}`);
    // Still the holder's lock, untouched.
    expect(JSON.parse(await readFile(lockPath, "utf8")).pid).toBe(holder.pid);
  });

  it("breaks the lock of a dead local owner at once", async () => {
    const holder = await startHolder();
    await killed(holder);
    const clock = new ManualClock();
    const before = clock.now();
    expect(await withFileLock(lockPath, async () => "got it", { clock })).toBe("got it");
    expect(clock.now() - before).toBeLessThan(1000);
  });

  it("breaks a lock whose pid now belongs to a process that started at another time (pid reuse)", async () => {
    const us = currentProcessIdentity();
    await writeFile(lockPath, JSON.stringify({ ...us, pid: process.pid, processStart: "1", username: "someone", time: Date.now() }));
    const clock = new ManualClock();
    const before = clock.now();
    expect(await withFileLock(lockPath, async () => "got it", { clock })).toBe("got it");
    expect(clock.now() - before).toBeLessThan(1000); // broken as dead, not waited out
  });

  it("keeps a lock with a live pid and no start time (a possibly reused pid counts as alive)", async () => {
    const holder = await startHolder();
    await writeFile(lockPath, JSON.stringify({ pid: holder.pid, hostname: hostname(), time: Date.now() - DAY }));
    expect((await lockFailure(new ManualClock())).message).toContain(`pid ${holder.pid}`);
  });

  it("never breaks a lock held on another host, by age or otherwise", async () => {
    await writeFile(lockPath, JSON.stringify({ pid: 12345, hostname: "build-agent-7", username: "ci", time: Date.now() - 30 * DAY }));
    const clock = new ManualClock();
    clock.advance(DAY);
    const error = await lockFailure(clock);
    expect(error.message).toContain("held by ci@build-agent-7 pid 12345 since ");
    expect(error.hint).toContain("another host");
    expect(error.hint).toContain(`delete ${lockPath}`);
  });

  it("does not judge an unreadable (half-written, old-style) lock by its age", async () => {
    await writeFile(lockPath, "");
    const clock = new ManualClock();
    clock.advance(DAY);
    const error = await lockFailure(clock);
    expect(error.message).toContain("unreadable");
    expect(error.hint).toContain(`delete ${lockPath}`);
  });

  it("writes the lock whole, with readable owner fields, and leaves no temp files", async () => {
    const seen = await withFileLock(lockPath, async () => JSON.parse(await readFile(lockPath, "utf8")) as Record<string, unknown>);
    expect(seen).toMatchObject({ pid: process.pid, hostname: hostname(), since: expect.any(String), time: expect.any(Number), username: expect.any(String) });
    expect(await readdir(dir)).toEqual([]);
  });

  it("lets exactly one of many waiters break a dead owner's lock at a time (no two holders)", async () => {
    const holder = await startHolder();
    await killed(holder);
    let inside = 0;
    let most = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withFileLock(lockPath, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside--;
          done++;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(done).toBe(12);
    expect(await readdir(dir)).toEqual([]);
  });
});
