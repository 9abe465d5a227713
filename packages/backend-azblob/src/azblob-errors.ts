import { CairnError, isCairnError, type ErrorCode } from "@cairn/core";
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

function shapeOf(error: unknown): AzureErrorShape {
  return typeof error === "object" && error !== null ? (error as AzureErrorShape) : {};
}

export function classifyAzblobError(error: unknown): ErrorCode {
  if (isCairnError(error)) return error.code;
  const { name, statusCode, code } = shapeOf(error);
  if (code !== undefined && AZURE_CODES[code] !== undefined) return AZURE_CODES[code];
  if (name === "AbortError") return "Canceled";
  // @azure/identity: no credential in the default chain worked.
  if (name === "CredentialUnavailableError" || name === "AuthenticationError" || name === "AggregateAuthenticationError") return "Unauthenticated";
  if (code === "ENOTFOUND") return "Unavailable";
  if (code !== undefined && TRANSIENT_NETWORK_CODES.has(code)) return "Unavailable";
  switch (statusCode) {
    case 400:
      return "InvalidArgument";
    case 401:
      return "Unauthenticated";
    case 403:
      return "PermissionDenied";
    case 404:
      return "NotFound";
    case 409:
    case 412:
      return "Conflict";
    case 408:
      return "Timeout";
    case 429:
      return "RateLimited";
  }
  if (statusCode !== undefined && statusCode >= 500) return "Unavailable";
  return "Internal";
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
