import { CairnError, codeForHttpStatus, isCairnError, type ErrorCode, type StatusExceptions } from "@cairn/core/driver";
import { GS_CREDENTIALS_HINT } from "./gs-credentials.js";

/** The parts of the SDK's `ApiError` (and of Node's network errors) this module reads. */
interface GsNativeError {
  code?: number | string;
  message?: string;
  errors?: Array<{ reason?: string; message?: string }>;
}

/**
 * Where GCS's statuses differ from core's table: GCS answers a failed `ifGenerationNotMatch`
 * precondition 304 Not Modified (a `Conflict`, as 412 is); a 504 has always been `Unavailable`
 * here (retried and ambiguous, as a `Timeout` is).
 */
const STATUS_EXCEPTIONS: StatusExceptions = { byStatus: { 304: "Conflict", 504: "Unavailable" } };

const NETWORK_UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);
const NETWORK_TIMEOUT = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT"]);

function native(error: unknown): GsNativeError {
  return typeof error === "object" && error !== null ? (error as GsNativeError) : {};
}

function reasonOf(error: GsNativeError): string | undefined {
  return error.errors?.[0]?.reason;
}

/** A 404 about the bucket rather than an object ("The specified bucket does not exist."). */
export function isMissingBucket(error: unknown): boolean {
  const found = native(error);
  return found.code === 404 && /bucket does not exist/i.test(found.message ?? "");
}

/** Maps an `@google-cloud/storage` error (HTTP status in `code`) or a network error to a code. */
export function classifyGsError(error: unknown): ErrorCode {
  if (isCairnError(error)) return error.code;
  const found = native(error);
  const { code } = found;
  if (typeof code === "number") {
    if (code === 403 && (reasonOf(found) === "rateLimitExceeded" || reasonOf(found) === "userRateLimitExceeded")) return "RateLimited";
    return codeForHttpStatus(code, STATUS_EXCEPTIONS);
  }
  if (typeof code === "string") {
    if (NETWORK_UNAVAILABLE.has(code)) return "Unavailable";
    if (NETWORK_TIMEOUT.has(code)) return "Timeout";
  }
  // google-auth-library's failures carry no status.
  if (/default credentials|invalid_grant|could not refresh access token|unable to impersonate/i.test(found.message ?? "")) return "Unauthenticated";
  return "Internal";
}

/** What to do next, per code: the CLI prints it under the message. */
function hintFor(code: ErrorCode, bucket: string, error: unknown): string | undefined {
  switch (code) {
    case "NotFound":
      return isMissingBucket(error)
        ? `create the bucket first (\`gcloud storage buckets create gs://${bucket}\`), or check the bucket name in the URL`
        : undefined;
    case "Unauthenticated":
      return GS_CREDENTIALS_HINT;
    case "PermissionDenied":
      return `the credential in use lacks access to gs://${bucket}: grant it roles/storage.objectAdmin on the bucket. ${GS_CREDENTIALS_HINT}`;
    case "Unavailable":
    case "Timeout":
      return "Google Cloud Storage (or the endpoint in the URL) is unreachable or failing; check the network and retry";
    case "RateLimited":
      return "too many requests to the bucket; retry later";
    default:
      return undefined;
  }
}

/**
 * A CairnError for a failed SDK call, naming the operation and object, with a hint and the
 * retryable flag `withRetry` reads. A CairnError passes through unchanged.
 */
export function gsError(error: unknown, operation: string, bucket: string, objectName: string): CairnError {
  if (isCairnError(error)) return error;
  const code = classifyGsError(error);
  const detail = isMissingBucket(error) ? `bucket gs://${bucket} does not exist` : (native(error).message ?? String(error)).split("\n")[0];
  const hint = hintFor(code, bucket, error);
  return new CairnError(code, `${operation} gs://${bucket}/${objectName}: ${detail}`, { cause: error, ...(hint === undefined ? {} : { hint }) });
}
