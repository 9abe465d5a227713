import { isCairnError, type ErrorCode } from "@cairn/core";

/** errno → what the user should understand: a missing directory, no permission, a full disk. */
const ERRNO_CODES: Record<string, ErrorCode> = {
  ENOENT: "NotFound",
  ENOTDIR: "InvalidArgument",
  EISDIR: "InvalidArgument",
  EEXIST: "Conflict",
  EACCES: "PermissionDenied",
  EPERM: "PermissionDenied",
  EROFS: "PermissionDenied",
  ENOSPC: "Unavailable",
  EDQUOT: "Unavailable",
  EIO: "Unavailable",
  EMFILE: "Unavailable",
  ENFILE: "Unavailable",
  EBUSY: "Unavailable",
  ETIMEDOUT: "Timeout",
};

export function classifyFileError(error: unknown): ErrorCode {
  if (isCairnError(error)) return error.code;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  return (errno !== undefined && ERRNO_CODES[errno]) || "Internal";
}
