import { lstat, readdir, unlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { currentProcessIdentity, processState, type ProcessIdentity } from "../process/process-identity.js";

/**
 * Temp files (what `writeFileAtomic` and `createFileExclusive` write before the rename or link)
 * are named `.<target>.cairn-tmp-<pid>_<start>_<pidns>_<host>_<random>`: listings skip them
 * (`isTempFileName`), and whoever finds one can tell whether its writer still runs — a writer
 * killed mid-write (a big `stack import`) leaves tens of megabytes that nobody else would remove.
 * `<start>` and `<pidns>` are the Linux process start time and pid-namespace inode (`-` where
 * unknown), `<host>` the host name with anything but letters, digits, `.` and `-` %-escaped.
 * Older cairn versions wrote `.<target>.cairn-tmp-<12 hex>`: owner unknown.
 */
const TEMP_MARKER = ".cairn-tmp-";

/** Writes no write takes longer than: a temp file whose owner cannot be judged is abandoned after this. */
export const ABANDONED_TEMP_AGE_MS = 24 * 60 * 60 * 1000;

/** The anonymous form: this version's fallback (8 hex) and what older versions wrote (12 hex). */
const ANONYMOUS_TEMP = /\.cairn-tmp-[0-9a-f]{8}(?:[0-9a-f]{4})?$/;

export function isTempFileName(name: string): boolean {
  return name.includes(TEMP_MARKER);
}

export function tempFileName(target: string, random: string): string {
  const us = currentProcessIdentity();
  const namespace = /^pid:\[(\d+)\]$/.exec(us.pidNamespace ?? "")?.[1] ?? "-";
  const name = `.${target}${TEMP_MARKER}${us.pid}_${us.processStart ?? "-"}_${namespace}_${encodeHost(us.hostname)}_${random}`;
  // Most file systems allow 255 bytes: a very long key or host name gets the anonymous form (owner unknown, removed by age).
  return Buffer.byteLength(name) <= 255 ? name : `.${target}${TEMP_MARKER}${random}`;
}

/** The writer a temp file name records; undefined for names of older versions (owner unknown). */
export function tempFileOwner(name: string): ProcessIdentity | undefined {
  const marker = name.lastIndexOf(TEMP_MARKER);
  if (marker < 0) return undefined;
  const fields = name.slice(marker + TEMP_MARKER.length).split("_");
  if (fields.length !== 5) return undefined;
  const [pid, start, namespace, host, random] = fields as [string, string, string, string, string];
  if (!/^\d+$/.test(pid) || !/^(\d+|-)$/.test(start) || !/^(\d+|-)$/.test(namespace) || !/^[0-9a-f]{8}$/.test(random)) return undefined;
  let hostname: string;
  try {
    hostname = decodeURIComponent(host);
  } catch {
    return undefined;
  }
  return {
    pid: Number(pid),
    hostname,
    ...(start === "-" ? {} : { processStart: start }),
    ...(namespace === "-" ? {} : { pidNamespace: `pid:[${namespace}]` }),
  };
}

export interface AbandonedTempOptions {
  /** The clock's now (ms), for the age rule. */
  now?: number;
  /** A temp file whose owner cannot be judged (another host, an older version) is removed once older than this. */
  maxAgeMs?: number;
}

/**
 * Removes the temp file at `path` if its writer is gone: a process of this host that no longer
 * runs (or whose pid was reused), or — when the owner cannot be judged — one older than any write
 * could take. Never one whose writer is alive, however old. True if it was removed.
 */
export async function removeTempFileIfAbandoned(path: string, options: AbandonedTempOptions = {}): Promise<boolean> {
  const name = basename(path);
  const owner = tempFileOwner(name);
  // Only names cairn writes: a user's object that merely contains the marker is never touched.
  if (!name.startsWith(".") || (owner === undefined && !ANONYMOUS_TEMP.test(name))) return false;
  const state = owner === undefined ? "unknown" : processState(owner);
  if (state === "alive") return false;
  if (state === "unknown") {
    const info = await lstat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) return false;
    if ((options.now ?? Date.now()) - info.mtimeMs <= (options.maxAgeMs ?? ABANDONED_TEMP_AGE_MS)) return false;
  }
  try {
    await unlink(path);
    return true;
  } catch {
    return false; // gone already, or not ours to remove: a sweep never fails the write it precedes
  }
}

/** Sweeps `directory` (not recursively) with `removeTempFileIfAbandoned`; the names removed. */
export async function removeAbandonedTempFiles(directory: string, options: AbandonedTempOptions = {}): Promise<string[]> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (isTempFileName(name) && (await removeTempFileIfAbandoned(join(directory, name), options))) removed.push(name);
  }
  return removed;
}

function encodeHost(host: string): string {
  const escape = (character: string) => Array.from(new TextEncoder().encode(character), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  return host.replace(/[^A-Za-z0-9.-]/gu, escape);
}
