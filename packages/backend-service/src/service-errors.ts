import { CairnError, ERROR_CODES, LockedError, type ErrorCode, type LockInfo } from "@cairn/core/driver";

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "InvalidArgument",
  401: "Unauthenticated",
  403: "PermissionDenied",
  404: "NotFound",
  409: "Conflict",
  413: "InvalidArgument",
  429: "RateLimited",
  501: "Unimplemented",
  503: "Unavailable",
  504: "Timeout",
};

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
  const code = named ?? STATUS_CODES[status] ?? (status >= 500 ? "Unavailable" : "InvalidArgument");
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
