import type { ErrorCode } from "../errors.js";

/**
 * What an HTTP status means as a cairn error code, once for every backend that speaks HTTP (S3,
 * Google Cloud Storage, Azure Blob, git over HTTP, the service). A driver first reads what its
 * service says more precisely (S3's `NoSuchBucket`, Azure's `ContainerNotFound`, a GCS 403 whose
 * reason is `rateLimitExceeded`); the status is the fallback. Where a service's status means
 * something else, the driver passes that as an explicit exception (`StatusExceptions`), with its
 * reason beside it — never a table of its own.
 *
 * 412 (Precondition Failed) is `Conflict`: every store's conditional write fails that way, and the
 * layout branches on `Conflict`. Whether a failure is retryable or ambiguous is not decided here:
 * that follows from the code (`CairnError`'s defaults) and from what the driver knows of the request.
 */
const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: "InvalidArgument",
  401: "Unauthenticated",
  403: "PermissionDenied",
  404: "NotFound",
  408: "Timeout",
  409: "Conflict",
  412: "Conflict",
  429: "RateLimited",
  500: "Unavailable",
  501: "Unimplemented",
  502: "Unavailable",
  503: "Unavailable",
  504: "Timeout",
};

/** Where a backend reads a status differently from the shared table. */
export interface StatusExceptions {
  /** Statuses with another meaning for this backend (e.g. S3's 301: a bucket in another region). */
  byStatus?: Readonly<Partial<Record<number, ErrorCode>>>;
  /** A 5xx the table does not name (505, 507, …). Default `Unavailable`: the server is failing. */
  unlistedServerError?: ErrorCode;
  /** Any other status the table does not name (a 3xx, an unnamed 4xx). Default `Internal`. */
  unlisted?: ErrorCode;
}

/** The cairn error code for an HTTP status, with a backend's exceptions applied first. */
export function codeForHttpStatus(status: number, exceptions: StatusExceptions = {}): ErrorCode {
  const named = exceptions.byStatus?.[status] ?? STATUS_CODES[status];
  if (named !== undefined) return named;
  if (status >= 500) return exceptions.unlistedServerError ?? "Unavailable";
  return exceptions.unlisted ?? "Internal";
}
