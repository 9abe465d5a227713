import type { LockInfo } from "../../errors.js";

/**
 * The content of a lock file. Pulumi's four fields (`lockContent` in `pkg/backend/diy/lock.go`)
 * come first so Go reads it; cairn's `operation`, lease `expires` and `nonce` follow, and Go
 * ignores them (`checkForLock` decodes with `json.Unmarshal` into its four-field struct, which
 * skips unknown fields).
 */
export function formatLockFile(info: LockInfo): Uint8Array {
  const content: Record<string, unknown> = { pid: info.pid, username: info.username, hostname: info.hostname, timestamp: info.timestamp };
  if (info.operation !== undefined) content.operation = info.operation;
  if (info.expires !== undefined) content.expires = info.expires;
  if (info.nonce !== undefined) content.nonce = info.nonce;
  return new TextEncoder().encode(JSON.stringify(content));
}

/** A lock file that cannot be read still locks the stack; it is reported as held by "unknown". */
export function parseLockFile(bytes: Uint8Array, key: string): LockInfo {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof value === "object" && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // fall through to the unknown holder
  }
  const info: LockInfo = {
    pid: typeof parsed.pid === "number" ? parsed.pid : 0,
    username: typeof parsed.username === "string" ? parsed.username : "unknown",
    hostname: typeof parsed.hostname === "string" ? parsed.hostname : "unknown",
    timestamp: typeof parsed.timestamp === "string" ? parsed.timestamp : "unknown",
    key,
  };
  if (typeof parsed.operation === "string") info.operation = parsed.operation;
  if (typeof parsed.expires === "string") info.expires = parsed.expires;
  return info;
}

/**
 * The nonce a lock file carries (cairn's, one per holding), or undefined. Kept out of
 * `parseLockFile`'s holder, which errors and `getLock` show: it only tells a holding its own file.
 */
export function lockFileNonce(bytes: Uint8Array): string | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const nonce = typeof value === "object" && value !== null ? (value as { nonce?: unknown }).nonce : undefined;
    return typeof nonce === "string" ? nonce : undefined;
  } catch {
    return undefined;
  }
}

export function unknownHolder(key: string): LockInfo {
  return { pid: 0, username: "unknown", hostname: "unknown", timestamp: "unknown", key };
}

/** Whether the holder's lease has run out. A lock without `expires` (Pulumi's) never runs out. */
export function isLeaseExpired(holder: LockInfo, now: number): boolean {
  if (holder.expires === undefined) return false;
  const end = Date.parse(holder.expires);
  return !Number.isNaN(end) && end <= now;
}

/** `alice@host pid 42 since <time>` — how warnings and errors name a holder. */
export function describeHolder(holder: LockInfo): string {
  return `${holder.username}@${holder.hostname} pid ${holder.pid} since ${holder.timestamp}${holder.operation ? ` (${holder.operation})` : ""}`;
}
