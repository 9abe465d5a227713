import { open, stat, unlink } from "node:fs/promises";
import { CairnError } from "../errors.js";
import { currentProcessIdentity, currentUsername, processState, type ProcessState } from "../process/process-identity.js";
import { pause, throwIfCanceled } from "../time/cancel.js";
import { systemClock, type Clock } from "../time/clock.js";
import { createFileExclusive } from "./atomic-write.js";

export interface FileLockOptions {
  /** Give up after this long (ms) of the clock's time. */
  timeoutMs?: number;
  /**
   * @deprecated Ignored. Locks are no longer broken by age: a lock whose owner is alive (even
   * stopped) is kept however old, one whose owner is provably dead is broken at once.
   */
  staleMs?: number;
  /** Time and pauses for the timeout and the backoff (tests inject a `ManualClock`). */
  clock?: Clock;
  /**
   * Stops waiting for the lock: the call fails with `Canceled` at once (a wait under way ends),
   * and `fn` never runs. Once the lock is held and `fn` runs, the signal is `fn`'s business.
   */
  signal?: AbortSignal;
}

/** The guard beside a lock file that serialises breaking it; hide it wherever lock files are hidden. */
export const LOCK_BREAK_SUFFIX = ".break";

/** What a lock file holds: its owner, readable by people (`cat` it) and by other cairn processes. */
export interface FileLockOwner {
  pid: number;
  hostname: string;
  username: string;
  /** When it was taken, ms since the epoch (the field older cairn versions read). */
  time: number;
  /** The same instant for people. */
  since: string;
  processStart?: string;
  pidNamespace?: string;
}

/**
 * Runs `fn` while holding an exclusive lock file, the way Go's `lockedfile` guards Pulumi's
 * credentials.json. The lock file is created whole (owner record written to a temp file, then
 * hard-linked into place), so no reader ever sees a half-written one. A lock is broken only when
 * its owner is provably dead: a process on this host (and pid namespace) that no longer exists, or
 * whose pid now belongs to a process started at another time. An owner that is alive — however
 * long it has held the lock, even stopped with SIGSTOP — or that is on another host keeps it, and
 * the waiter fails after `timeoutMs` with a Timeout CairnError naming the holder and the file.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = clock.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    throwIfCanceled(options.signal, `waiting for the lock ${lockPath}`);
    const owned = await tryCreate(lockPath, clock);
    if (owned !== undefined) {
      try {
        return await fn();
      } finally {
        await removeIfSame(lockPath, owned);
      }
    }
    const holder = await readHolder(lockPath);
    if (holder === undefined) continue; // released between our attempt and the read
    if (holder.state === "dead" && (await breakDeadLock(lockPath, holder.ino, clock))) continue;
    if (clock.now() >= deadline) throw timedOut(lockPath, holder, timeoutMs, clock.now());
    await pause(clock, Math.min(5 + attempt * 5, 50) * (0.5 + Math.random()), options.signal, `waiting for the lock ${lockPath}`);
  }
}

interface Holder {
  ino: bigint;
  owner: Partial<FileLockOwner> | undefined;
  state: ProcessState | "unreadable";
}

/** Creates the lock whole; its inode, or undefined when someone else holds it. */
async function tryCreate(lockPath: string, clock: Clock): Promise<bigint | undefined> {
  const now = clock.now();
  const owner: FileLockOwner = { ...currentProcessIdentity(), username: currentUsername(), time: now, since: new Date(now).toISOString() };
  const record = `${JSON.stringify(ownerFields(owner))}\n`;
  try {
    await createFileExclusive(lockPath, record, { mode: 0o600, durable: false });
  } catch (error) {
    const { code, syscall } = error as NodeJS.ErrnoException;
    if (code === "EEXIST" && syscall === "link") return undefined;
    throw error;
  }
  // Nobody else can replace the file now: only a dead owner's lock is ever removed by others.
  return (await stat(lockPath, { bigint: true })).ino;
}

/** Field order for people reading the file. */
function ownerFields(owner: FileLockOwner): FileLockOwner {
  const { pid, hostname, username, time, since, processStart, pidNamespace } = owner;
  return { pid, hostname, username, time, since, ...(processStart === undefined ? {} : { processStart }), ...(pidNamespace === undefined ? {} : { pidNamespace }) };
}

/** The lock file's identity and owner, read through one descriptor; undefined if it is gone. */
async function readHolder(lockPath: string): Promise<Holder | undefined> {
  const handle = await open(lockPath, "r").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (handle === undefined) return undefined;
  try {
    const { ino } = await handle.stat({ bigint: true });
    const text = await handle.readFile("utf8");
    let owner: Partial<FileLockOwner> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) owner = parsed as Partial<FileLockOwner>;
    } catch {
      owner = undefined;
    }
    // Unreadable: damaged, or an older cairn between creating and writing it. Never broken by guess.
    return { ino, owner, state: owner === undefined ? "unreadable" : processState(owner) };
  } finally {
    await handle.close();
  }
}

/**
 * Removes a lock whose owner is dead — only the very file judged (same inode). Breakers take turns
 * through a guard file, so two of them cannot both judge the dead lock and then one remove the
 * fresh lock the other just took. A guard left by a dead breaker is itself removed. False when
 * someone alive holds the guard (the caller waits, within its timeout, and looks again).
 */
async function breakDeadLock(lockPath: string, ino: bigint, clock: Clock): Promise<boolean> {
  const guard = `${lockPath}${LOCK_BREAK_SUFFIX}`;
  const owned = await tryCreate(guard, clock);
  if (owned === undefined) {
    const guardHolder = await readHolder(guard);
    if (guardHolder === undefined) return true;
    if (guardHolder.state !== "dead") return false;
    await removeIfSame(guard, guardHolder.ino);
    return true;
  }
  try {
    // While we hold the guard nobody else removes the dead lock, and nobody can create a new one
    // over it: the file at lockPath is still the one judged, or already gone.
    await removeIfSame(lockPath, ino);
  } finally {
    await removeIfSame(guard, owned);
  }
  return true;
}

async function removeIfSame(path: string, ino: bigint): Promise<void> {
  const current = await stat(path, { bigint: true }).catch(() => undefined);
  if (current?.ino === ino) await unlink(path).catch(() => {});
}

function timedOut(lockPath: string, holder: Holder, timeoutMs: number, now: number): CairnError {
  const waited = `${Math.round(timeoutMs / 1000)} s`;
  if (holder.state === "unreadable" || holder.owner === undefined) {
    return new CairnError("Timeout", `timed out after ${waited} waiting for lock file ${lockPath}: its owner record is unreadable`, {
      hint: `it was left by an older cairn or is damaged; if no cairn process is using it, delete ${lockPath}`,
    });
  }
  const owner = holder.owner;
  const who = `${owner.username ?? "?"}@${owner.hostname ?? "?"} pid ${owner.pid ?? "?"}`;
  const since = typeof owner.time === "number" ? ` since ${new Date(owner.time).toISOString()} (${Math.max(0, Math.round((now - owner.time) / 1000))} s ago)` : "";
  const why =
    holder.state === "alive"
      ? `that process is still running (perhaps stopped or hung): let it finish or end it; if it is gone, delete ${lockPath}`
      : holder.state === "dead"
        ? `that process is gone, but the guard ${lockPath}${LOCK_BREAK_SUFFIX} of another process breaking the lock stayed; delete ${lockPath} and ${lockPath}${LOCK_BREAK_SUFFIX}`
        : `it is on another host or container, so cairn cannot tell whether it still runs; if that process is gone, delete ${lockPath}`;
  return new CairnError("Timeout", `timed out after ${waited} waiting for lock file ${lockPath}, held by ${who}${since}`, { hint: why });
}
