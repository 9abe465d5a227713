import { transportMismatchError } from "./transport-errors.js";
/**
 * One error type for every backend. Stores map their native errors to an `ErrorCode` through
 * `classifyError`; core wraps them with the operation and key; the CLI maps codes to exit codes.
 */
export const ERROR_CODES = [
  "NotFound",
  "AlreadyExists",
  "Conflict",
  "Locked",
  "Unauthenticated",
  "PermissionDenied",
  "InvalidArgument",
  "Unimplemented",
  "Unavailable",
  "RateLimited",
  "Timeout",
  "Canceled",
  "PluginNotFound",
  "PluginIncompatible",
  "Internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes that a caller may retry without changing anything. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set(["Unavailable", "RateLimited", "Timeout"]);

// A Symbol.for brand (not instanceof) so that errors from a second copy of @cairn/core — a plugin
// that bundled its own — are still recognised.
const BRAND = Symbol.for("cairn.error");

export interface CairnErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  /** What the user should do next; the CLI prints it under the message. */
  hint?: string;
}

export class CairnError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: CairnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CairnError";
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.hint = options.hint;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

export function isCairnError(value: unknown, code?: ErrorCode): value is CairnError {
  if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
  return code === undefined || (value as unknown as CairnError).code === code;
}

/** Who holds a stack's lock, as recorded in the lock file (Pulumi's four fields and ours). */
export interface LockInfo {
  pid: number;
  username: string;
  hostname: string;
  /** RFC 3339. */
  timestamp: string;
  /** What the holder is doing (e.g. `import`, `update`); absent in locks written by Pulumi. */
  operation?: string;
  /**
   * RFC 3339 end of the holder's lease; the holder renews it while it works. Absent in locks
   * written by Pulumi, which never expire on their own.
   */
  expires?: string;
  /** The lock object's key in the store. */
  key?: string;
}

export class LockedError extends CairnError {
  readonly lock: LockInfo;

  constructor(stack: string, lock: LockInfo, options: CairnErrorOptions = {}) {
    const what = lock.operation ? ` (${lock.operation})` : "";
    super(
      "Locked",
      `stack ${stack} is locked by ${lock.username}@${lock.hostname} pid ${lock.pid} since ${lock.timestamp}${what}`,
      {
        hint:
          options.hint ??
          "wait for that operation to finish; if it died, run `cairn stack unlock --force` for this stack",
        ...options,
      },
    );
    this.name = "LockedError";
    this.lock = lock;
  }
}

/** Wraps anything thrown by a store with the operation and key, keeping a CairnError's code. */
export function wrapStoreError(
  error: unknown,
  classify: (error: unknown) => ErrorCode,
  operation: string,
  key: string,
  hint?: string,
): CairnError {
  // A scheme that does not match the endpoint (https to a plain-HTTP port) gets its fix, whatever
  // the driver made of OpenSSL's "wrong version number".
  const mismatch = transportMismatchError(error, `${operation} ${key}`);
  if (mismatch !== undefined) return mismatch;
  if (isCairnError(error)) return error;
  const code = classify(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new CairnError(code, `${operation} ${key}: ${detail}`, { cause: error, ...(hint === undefined ? {} : { hint }) });
}
