import { hostname } from "node:os";
import { open, readFile, unlink, stat } from "node:fs/promises";
import { makeDirectory } from "./make-directory.js";
import { dirname } from "node:path";
import { CairnError } from "../errors.js";
import { isProcessAlive } from "../process-alive.js";
import { systemClock, type Clock } from "../time/clock.js";

export interface FileLockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** A lock file older than this whose owner is not a live local process is broken (ms). */
  staleMs?: number;
  /** Time and pauses for the timeout and the backoff (tests inject a `ManualClock`). */
  clock?: Clock;
}

/**
 * Runs `fn` while holding an exclusive lock file (`O_CREAT|O_EXCL`), the way Go's `lockedfile`
 * guards Pulumi's credentials.json. The file names its owner so a lock left by a killed process
 * is broken instead of blocking forever.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + timeoutMs;
  await makeDirectory(dirname(lockPath));
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, hostname: hostname(), time: clock.now() }));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await isStale(lockPath, staleMs, clock.now())) {
        await unlink(lockPath).catch(() => {});
        continue;
      }
      if (clock.now() > deadline) {
        throw new CairnError("Timeout", `timed out waiting for lock file ${lockPath}`, {
          hint: "another cairn process holds it; if none is running, delete that file",
        });
      }
      await clock.sleep(Math.min(5 + attempt * 5, 50) * (0.5 + Math.random()));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => {});
  }
}

async function isStale(lockPath: string, staleMs: number, now: number): Promise<boolean> {
  try {
    const owner = JSON.parse(await readFile(lockPath, "utf8")) as { pid?: number; hostname?: string; time?: number };
    if (owner.hostname === hostname() && typeof owner.pid === "number" && !isProcessAlive(owner.pid)) return true;
    return now - (owner.time ?? 0) > staleMs;
  } catch {
    // Unreadable or half-written (its owner is between open and write): judge by age alone.
    const info = await stat(lockPath).catch(() => undefined);
    return info !== undefined && now - info.mtimeMs > staleMs;
  }
}
