import { CairnError, codeForHttpStatus, isCairnError, type ErrorCode, type StatusExceptions } from "@cairn/core/driver";

/** Where the S3 backend looks for credentials, for hints (README "Credentials" has the details). */
export const CREDENTIAL_SOURCES_HINT =
  "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), AWS_PROFILE or ?profile= (shared config/credentials files, SSO), " +
  "AWS_WEB_IDENTITY_TOKEN_FILE, container or instance metadata";

const NOT_FOUND_BUCKET_HINT = "create the bucket or check the name/region";

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Native S3 error names (and Node socket codes) → cairn codes. Checked before HTTP statuses. */
const NAMED_CODES: Record<string, ErrorCode> = {
  NoSuchBucket: "NotFound",
  NoSuchKey: "NotFound",
  NotFound: "NotFound",
  PreconditionFailed: "Conflict",
  ConditionalRequestConflict: "Conflict",
  InvalidAccessKeyId: "Unauthenticated",
  SignatureDoesNotMatch: "Unauthenticated",
  ExpiredToken: "Unauthenticated",
  InvalidToken: "Unauthenticated",
  TokenRefreshRequired: "Unauthenticated",
  CredentialsProviderError: "Unauthenticated",
  AccessDenied: "PermissionDenied",
  AllAccessDisabled: "PermissionDenied",
  AccountProblem: "PermissionDenied",
  SlowDown: "RateLimited",
  Throttling: "RateLimited",
  ThrottlingException: "RateLimited",
  TooManyRequests: "RateLimited",
  RequestLimitExceeded: "RateLimited",
  InternalError: "Unavailable",
  ServiceUnavailable: "Unavailable",
  ECONNRESET: "Unavailable",
  ECONNREFUSED: "Unavailable",
  EPIPE: "Unavailable",
  ENOTFOUND: "Unavailable",
  EAI_AGAIN: "Unavailable",
  RequestTimeout: "Timeout",
  RequestTimeoutException: "Timeout",
  TimeoutError: "Timeout",
  ETIMEDOUT: "Timeout",
  AbortError: "Canceled",
  PermanentRedirect: "InvalidArgument",
  AuthorizationHeaderMalformed: "InvalidArgument",
  IllegalLocationConstraintException: "InvalidArgument",
  InvalidBucketName: "InvalidArgument",
  InvalidArgument: "InvalidArgument",
  EntityTooLarge: "InvalidArgument",
  NotImplemented: "Unimplemented",
};

/**
 * Where S3's statuses differ from core's table: a 301 is a bucket in another region (fixed in the
 * URL). S3 names its own failures (`RequestTimeout`, `InternalError`, above); a bare 408 or a 5xx
 * the table does not list is not one of them and stays `Internal` (not retried), as it always was here.
 */
const STATUS_EXCEPTIONS: StatusExceptions = { byStatus: { 301: "InvalidArgument", 408: "Internal" }, unlistedServerError: "Internal" };

/** Socket failures that may pass on their own; a wrong host name (ENOTFOUND) will not. */
const TRANSIENT_NAMES = new Set(["ECONNRESET", "EPIPE", "EAI_AGAIN", "InternalError", "ServiceUnavailable"]);

function nativeName(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const shape = error as SdkErrorShape;
  // Node socket errors carry their errno in `code`; SDK service errors in `name`.
  if (typeof shape.code === "string" && shape.code in NAMED_CODES) return shape.code;
  if (typeof shape.name === "string" && shape.name in NAMED_CODES) return shape.name;
  if (typeof shape.message === "string" && /region is missing/i.test(shape.message)) return "RegionMissing";
  return undefined;
}

function httpStatus(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape).$metadata?.httpStatusCode : undefined;
}

/** Maps whatever the AWS SDK (or the socket under it) threw to a cairn error code. */
export function classifyS3Error(error: unknown): ErrorCode {
  if (isCairnError(error)) return error.code;
  const name = nativeName(error);
  if (name === "RegionMissing") return "InvalidArgument";
  if (name !== undefined) return NAMED_CODES[name]!;
  const status = httpStatus(error);
  return status === undefined ? "Internal" : codeForHttpStatus(status, STATUS_EXCEPTIONS);
}

/** What to do next, for the errors a user can act on. */
function hintFor(code: ErrorCode, name: string | undefined, bucket: string): string | undefined {
  if (name === "NoSuchBucket") return `${NOT_FOUND_BUCKET_HINT} (bucket ${JSON.stringify(bucket)})`;
  if (name === "RegionMissing") return "give the bucket's region: ?region=eu-west-1 in the URL, AWS_REGION, or region in the AWS profile";
  if (name === "PermanentRedirect" || name === "AuthorizationHeaderMalformed" || name === "IllegalLocationConstraintException") {
    return "the bucket is in another region: set ?region=<the bucket's region> in the URL or AWS_REGION";
  }
  if (name === "ENOTFOUND" || name === "ECONNREFUSED") return "check the endpoint (?endpoint=host:port) and that the S3 service is running and reachable";
  switch (code) {
    case "Unauthenticated":
      return `the AWS credentials were refused or not found; provide valid ones via ${CREDENTIAL_SOURCES_HINT}`;
    case "PermissionDenied":
      return "the credentials lack access: grant s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on the bucket and prefix (or check the bucket policy)";
    case "RateLimited":
      return "S3 is throttling requests; retry later";
    case "Unavailable":
    case "Timeout":
      return "S3 did not answer in time; check the network or endpoint and retry";
    default:
      return undefined;
  }
}

/**
 * A CairnError for a failed S3 call, naming the operation and the object, with a hint. The native
 * error stays as `cause`; its message never contains credentials (the SDK does not echo them).
 */
export function s3Failure(error: unknown, operation: string, bucket: string, objectName: string): CairnError {
  if (isCairnError(error)) return error;
  const code = classifyS3Error(error);
  const name = nativeName(error);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const where = objectName === "" ? `s3://${bucket}` : `s3://${bucket}/${objectName}`;
  const retryable = (name !== undefined && TRANSIENT_NAMES.has(name)) || code === "RateLimited" || code === "Timeout" || (code === "Unavailable" && name === undefined);
  const hint = hintFor(code, name, bucket);
  return new CairnError(code, `${operation} ${where}: ${detail}`, { cause: error, retryable, ...(hint === undefined ? {} : { hint }) });
}

/** The name S3 gave the error, when it gave one (`NoSuchKey`, `PreconditionFailed`, …). */
export function s3ErrorName(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return (error as SdkErrorShape).name;
}
