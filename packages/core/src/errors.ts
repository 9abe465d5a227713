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

/**
 * Codes whose failure may have happened after the request reached the other side (a 5xx, a reset
 * or a timeout after sending, an unclassified error): the operation may have taken effect. A
 * driver that knows better (the connection was refused, the request was throttled before it was
 * processed) passes `ambiguous: false`. Erring towards ambiguous is safe: it only costs a read.
 */
const AMBIGUOUS_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set(["Unavailable", "Timeout", "Internal"]);

// A Symbol.for brand (not instanceof) so that errors from a second copy of @cairn/core — a plugin
// that bundled its own — are still recognised.
const BRAND = Symbol.for("cairn.error");

export interface CairnErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  /** The operation may have taken effect although it failed (see `CairnError.ambiguous`). */
  ambiguous?: boolean;
  /** What the user should do next; the CLI prints it under the message. */
  hint?: string;
}

export class CairnError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /**
   * The operation may have taken effect although this error reports it failed: the request may
   * have reached the store or server and only its answer was lost (a reset or timeout after
   * sending, a 5xx), or — set by `withRetry` — an earlier try of this operation failed that way, so
   * this error (a precondition failure, a 404) may be the earlier try's own effect. Only ever goes
   * from false to true (`markAmbiguous`). A clean failure (refused connection, 4xx on the first
   * try) is not ambiguous: nothing happened.
   */
  readonly ambiguous: boolean;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: CairnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CairnError";
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.ambiguous = options.ambiguous ?? AMBIGUOUS_BY_DEFAULT.has(code);
    this.hint = options.hint;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

export function isCairnError(value: unknown, code?: ErrorCode): value is CairnError {
  if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
  return code === undefined || (value as unknown as CairnError).code === code;
}

// Marks a native (non-CairnError) error that `withRetry` threw after an ambiguous try, so the
// CairnError `wrapStoreError` later makes of it is ambiguous too.
const AMBIGUOUS = Symbol.for("cairn.ambiguous");

/** Whether `error` says its operation may have taken effect (see `CairnError.ambiguous`). */
export function isAmbiguous(error: unknown): boolean {
  if (isCairnError(error)) return error.ambiguous;
  return typeof error === "object" && error !== null && AMBIGUOUS in error;
}

/**
 * Marks `error` (in place, keeping its class and identity) as ambiguous: an earlier try of the
 * same operation may have taken effect. Used by `withRetry`; primitives are returned unchanged.
 */
export function markAmbiguous<T>(error: T): T {
  if (typeof error !== "object" || error === null || isAmbiguous(error)) return error;
  if (isCairnError(error)) Object.defineProperty(error, "ambiguous", { value: true });
  else Object.defineProperty(error, AMBIGUOUS, { value: true });
  return error;
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
  /**
   * A random id of this holding of the lock, written into the lock file: it makes the file's
   * bytes unique to its writer, so a lock write retried after a lost answer recognises its own
   * file (`PutOptions.bytesIdentifyWrite`). Absent in locks written by Pulumi.
   */
  nonce?: string;
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
