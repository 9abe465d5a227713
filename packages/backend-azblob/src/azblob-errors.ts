import { CairnError, codeForHttpStatus, isCairnError, type ErrorCode, type StatusExceptions } from "@cairn/core/driver";
import { CREDENTIAL_SOURCES_HINT } from "./azblob-credentials.js";

/**
 * The fields of the SDK's `RestError` this module reads. Duck-typed so that classifying never
 * loads the SDK: `statusCode` for HTTP answers, `code` for Azure's error code (`BlobAlreadyExists`)
 * or a network errno (`ECONNREFUSED`).
 */
interface AzureErrorShape {
  name?: string;
  statusCode?: number;
  code?: string;
}

/** Network errnos worth another try: the request may not have reached the service. */
const TRANSIENT_NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "EAI_AGAIN", "ETIMEDOUT", "ESOCKETTIMEDOUT", "REQUEST_SEND_ERROR"]);

/** Azure error codes whose meaning does not follow from the HTTP status alone. */
const AZURE_CODES: Record<string, ErrorCode> = {
  BlobAlreadyExists: "Conflict",
  ConditionNotMet: "Conflict",
  LeaseAlreadyPresent: "Conflict",
  LeaseIdMissing: "Conflict",
  ContainerNotFound: "NotFound",
  ContainerBeingDeleted: "NotFound",
  BlobNotFound: "NotFound",
  AuthenticationFailed: "Unauthenticated",
  InvalidAuthenticationInfo: "Unauthenticated",
  NoAuthenticationInformation: "Unauthenticated",
  ServerBusy: "RateLimited",
  OperationTimedOut: "Timeout",
};

/**
 * Where Azure's statuses differ from core's table: every 5xx, 501 and 504 too, is the service
 * failing (`Unavailable`, retried). A 404 about the container rather than the blob is told apart
 * by Azure's error code (`ContainerNotFound`, above), not by the status.
 */
const STATUS_EXCEPTIONS: StatusExceptions = { byStatus: { 501: "Unavailable", 504: "Unavailable" } };

function shapeOf(error: unknown): AzureErrorShape {
  return typeof error === "object" && error !== null ? (error as AzureErrorShape) : {};
}

/** `code` of the error `answerCutShort` makes. */
const CUT_SHORT = "ANSWER_CUT_SHORT";

/**
 * Whether the connection failed after the answer's status line and headers, before its whole body
 * arrived: the request reached the service, and its outcome is unknown. The SDK reads a body it
 * does not stream as text, and reports a failure there as a RestError with code `PARSE_ERROR` and
 * no status ("Error reading response as text: aborted"): the status it had received is lost. A body
 * that arrived whole and did not parse is a `PARSE_ERROR` with the status. A streamed body (a
 * download) cut short is turned into `answerCutShort`'s error by the store.
 */
function isCutShort({ code, statusCode }: AzureErrorShape): boolean {
  return code === CUT_SHORT || (code === "PARSE_ERROR" && statusCode === undefined);
}

/**
 * The error for a streamed body that failed before its end. The SDK's download stream reports the
 * connection closing mid-body as an `AbortError` ("The operation was aborted."), as if the caller
 * had canceled. It is the transport's unless the caller's signal fired, which `withRetry` reports
 * as `Canceled` whatever this made of it. A failure that carries a status (a range re-request the
 * SDK made) is left as it is.
 */
export function answerCutShort(error: unknown, received: number, announced: number | undefined): unknown {
  if (shapeOf(error).statusCode !== undefined) return error;
  const detail = error instanceof Error ? `: ${error.message}` : "";
  const length = announced === undefined ? `${received} bytes` : `${received} of ${announced} bytes`;
  return Object.assign(new Error(`the answer was cut short after ${length}${detail}`, { cause: error }), { code: CUT_SHORT });
}

export function classifyAzblobError(error: unknown): ErrorCode {
  if (isCairnError(error)) return error.code;
  const shape = shapeOf(error);
  const { name, statusCode, code } = shape;
  if (code !== undefined && AZURE_CODES[code] !== undefined) return AZURE_CODES[code];
  if (isCutShort(shape)) return "Unavailable";
  // Only a caller's abort signal makes one (a cut-short download is answerCutShort's).
  if (name === "AbortError") return "Canceled";
  // @azure/identity: no credential in the default chain worked.
  if (name === "CredentialUnavailableError" || name === "AuthenticationError" || name === "AggregateAuthenticationError") return "Unauthenticated";
  if (code === "ENOTFOUND") return "Unavailable";
  if (code !== undefined && TRANSIENT_NETWORK_CODES.has(code)) return "Unavailable";
  return statusCode === undefined ? "Internal" : codeForHttpStatus(statusCode, STATUS_EXCEPTIONS);
}

/** What the store knows when an operation fails, to say what to do next. */
export interface FailureContext {
  operation: string;
  key: string;
  container: string;
  /** Where requests went (service URL, never a token). */
  endpoint: string;
}

/**
 * A native error as a CairnError with a hint. Retryable: throttling, 5xx and connection failures,
 * but not DNS failures (a wrong account name or domain does not fix itself).
 */
export function azblobFailure(error: unknown, context: FailureContext): CairnError {
  if (isCairnError(error)) return error;
  const code = classifyAzblobError(error);
  const native = shapeOf(error);
  const detail = firstLine(error instanceof Error ? error.message : String(error));
  const message = `azblob ${context.operation} ${context.key}: ${detail}`;
  const retryable = code === "RateLimited" || code === "Timeout" || (code === "Unavailable" && native.code !== "ENOTFOUND");
  return new CairnError(code, message, { cause: error, retryable, hint: hintFor(code, native, context) });
}

function hintFor(code: ErrorCode, native: AzureErrorShape, context: FailureContext): string | undefined {
  switch (code) {
    case "NotFound":
      if (native.code === "ContainerNotFound" || native.code === "ContainerBeingDeleted") {
        return `container "${context.container}" does not exist at ${context.endpoint}: create it (az storage container create --name ${context.container}) or fix the container name in the URL`;
      }
      return undefined;
    case "Unauthenticated":
      return `the storage service did not accept the credential; ${CREDENTIAL_SOURCES_HINT}`;
    case "PermissionDenied":
      return `the credential was refused or lacks permission on container "${context.container}" (an Azure AD identity needs "Storage Blob Data Contributor"); ${CREDENTIAL_SOURCES_HINT}`;
    case "Unavailable":
      if (native.code === "ENOTFOUND") {
        return `the host of ${context.endpoint} does not resolve: check the storage account name, domain= and AZURE_STORAGE_DOMAIN`;
      }
      if (isCutShort(native)) return `the connection to ${context.endpoint} closed before the whole answer arrived; check the network and try again`;
      return `could not reach ${context.endpoint}; check the network and try again`;
    case "RateLimited":
      return "the storage account is throttling requests; wait and try again";
    default:
      return undefined;
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? text;
}
