import { type ErrorCode, isCairnError } from "@cairn/core/driver";

/**
 * The one place error codes become exit codes. 1 is a generic failure, 2 a usage error (as
 * commander uses), and the rest let scripts tell "locked, retry later" from "wrong input".
 */
const EXIT_CODES: Record<ErrorCode, number> = {
  InvalidArgument: 2,
  NotFound: 3,
  AlreadyExists: 4,
  Conflict: 5,
  Locked: 6,
  Unauthenticated: 7,
  PermissionDenied: 7,
  PluginNotFound: 8,
  PluginIncompatible: 8,
  Unavailable: 9,
  RateLimited: 9,
  Timeout: 9,
  Canceled: 130,
  Unimplemented: 10,
  Internal: 1,
};

export function exitCodeFor(error: unknown): number {
  return isCairnError(error) ? EXIT_CODES[error.code] : 1;
}
