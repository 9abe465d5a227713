import { readFileSync, readlinkSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { isProcessAlive } from "./process-alive.js";

/**
 * Who a process is, as far as another process on the same machine can check: pid, host, and on
 * Linux the process's start time (so a pid reused after its owner died is told apart) and its pid
 * namespace (so a process in another container with the same host name is not judged by pids
 * that mean something else there).
 */
export interface ProcessIdentity {
  pid: number;
  hostname: string;
  /** Linux: `starttime` from /proc/<pid>/stat (clock ticks since boot). */
  processStart?: string;
  /** Linux: the target of /proc/self/ns/pid, e.g. `pid:[4026531836]`. */
  pidNamespace?: string;
}

/** `alive`: provably running (or cannot be proven gone); `dead`: provably gone; `unknown`: not ours to judge (another host or pid namespace). */
export type ProcessState = "alive" | "dead" | "unknown";

let self: ProcessIdentity | undefined;

export function currentProcessIdentity(): ProcessIdentity {
  if (self === undefined) {
    const processStart = processStartTime(process.pid);
    const pidNamespace = currentPidNamespace();
    self = { pid: process.pid, hostname: hostname(), ...(processStart === undefined ? {} : { processStart }), ...(pidNamespace === undefined ? {} : { pidNamespace }) };
  }
  return self;
}

/** The login name, for messages; never throws (containers may have no passwd entry). */
export function currentUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}

/**
 * Whether the process `owner` describes still runs. Errs towards "alive": only a pid that no longer
 * exists on this host, or one now held by a process that started at another time, is "dead".
 */
export function processState(owner: Partial<ProcessIdentity>): ProcessState {
  const us = currentProcessIdentity();
  if (owner.hostname !== us.hostname) return "unknown";
  if (owner.pidNamespace !== undefined && us.pidNamespace !== undefined && owner.pidNamespace !== us.pidNamespace) return "unknown";
  if (typeof owner.pid !== "number" || !Number.isInteger(owner.pid) || owner.pid <= 0) return "unknown";
  if (owner.pid !== us.pid && !isProcessAlive(owner.pid)) return "dead";
  if (owner.processStart !== undefined) {
    const now = owner.pid === us.pid ? us.processStart : processStartTime(owner.pid);
    if (now !== undefined && now !== owner.processStart) return "dead"; // the pid was reused
  }
  return "alive";
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command, which may hold spaces). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = fields[19];
    return start !== undefined && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

function currentPidNamespace(): string | undefined {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return undefined;
  }
}
