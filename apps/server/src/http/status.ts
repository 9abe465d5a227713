import { isCairnError, type ErrorCode } from "@cairn/core";

/** One table from cairn's error codes to HTTP statuses; the client reads it back the other way. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  InvalidArgument: 400,
  Unauthenticated: 401,
  PermissionDenied: 403,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Locked: 409,
  RateLimited: 429,
  Canceled: 499,
  Internal: 500,
  Unimplemented: 501,
  Unavailable: 503,
  Timeout: 504,
  PluginNotFound: 500,
  PluginIncompatible: 500,
};

export function statusOf(error: unknown): number {
  return isCairnError(error) ? HTTP_STATUS[error.code] : 500;
}
