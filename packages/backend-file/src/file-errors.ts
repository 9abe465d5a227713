import { CairnError, isCairnError, type ErrorCode } from "@cairn/core";

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

/**
 * A key whose parent "directory" is already a stored object (`a` exists, `a/b` is written) cannot
 * be a file path: mkdir says EEXIST, open says ENOTDIR. Returns the error to throw instead of the
 * raw one, whose "file already exists" would read like a lost race; undefined for other errors.
 */
export function parentIsAnObject(key: string, error: unknown): CairnError | undefined {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  if (!((code === "EEXIST" && syscall === "mkdir") || code === "ENOTDIR")) return undefined;
  return new CairnError("InvalidArgument", `cannot store ${key}: one of its parent paths is stored as an object, so it cannot also be a directory`, {
    cause: error,
    hint: "a file backend cannot hold both `a` and `a/b`; remove the stray file under the backend directory",
  });
}
