import { CairnError, codeForHttpStatus, ERROR_CODES, LockedError, type ErrorCode, type LockInfo, type StatusExceptions } from "@cairn/core/driver";

/**
 * Where the service's statuses differ from core's table: an answer the service gives without a
 * cairn `errorCode` is about the request (Pulumi's API answers what it refuses with a 4xx), so an
 * unnamed 4xx, and its 408 and 412 too, is `InvalidArgument`.
 */
const STATUS_EXCEPTIONS: StatusExceptions = { byStatus: { 408: "InvalidArgument", 412: "InvalidArgument" }, unlisted: "InvalidArgument" };

/**
 * Rebuilds a CairnError from a service error response: Pulumi's body (`code`, `message`) gives the
 * status and text; cairn-server adds `errorCode`, `hint` and, for a held stack, `lock` — so a
 * `Locked` from the server is the same `LockedError` a store backend throws.
 */
export function errorFromResponse(status: number, body: unknown, what: string, stackLabel?: string): CairnError {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const message = typeof record.message === "string" ? record.message : `HTTP ${status}`;
  const hint = typeof record.hint === "string" ? record.hint : hintFor(status);
  const named = typeof record.errorCode === "string" && (ERROR_CODES as readonly string[]).includes(record.errorCode) ? (record.errorCode as ErrorCode) : undefined;
  const code = named ?? codeForHttpStatus(status, STATUS_EXCEPTIONS);
  if (code === "Locked" && isLockInfo(record.lock)) {
    return new LockedError(stackLabel ?? what, record.lock, hint === undefined ? {} : { hint });
  }
  return new CairnError(code, `${what}: ${message}`, {
    ...(hint === undefined ? {} : { hint }),
    // A 5xx from a proxy or an overloaded server is worth another try; a 501 is not.
    retryable: status === 429 || status === 502 || status === 503 || status === 504 || (status >= 500 && named === undefined && status !== 501),
  });
}

function hintFor(status: number): string | undefined {
  if (status === 401) return "log in again with `cairn login <server URL>`, or set PULUMI_ACCESS_TOKEN";
  if (status === 403) return "ask an admin of the organization for a role with more access";
  return undefined;
}

function isLockInfo(value: unknown): value is LockInfo {
  const lock = value as Partial<LockInfo> | null;
  return typeof lock === "object" && lock !== null && typeof lock.username === "string" && typeof lock.hostname === "string" && typeof lock.pid === "number" && typeof lock.timestamp === "string";
}
