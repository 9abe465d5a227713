import { CairnError, isCairnError, type ErrorCode } from "../errors.js";

/**
 * The one errno → ErrorCode table for local files (file:// stores, `--file` flags): what the user
 * should understand from a failed system call — wrong input, missing, not allowed, or try later.
 */
const ERRNO_CODES: Record<string, ErrorCode> = {
  ENOENT: "NotFound",
  ENOTDIR: "InvalidArgument",
  EISDIR: "InvalidArgument",
  ENAMETOOLONG: "InvalidArgument",
  ELOOP: "InvalidArgument",
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

/** What to do about the errnos that mean "this path is wrong", so the error has a next step. */
const ERRNO_HINTS: Record<string, string> = {
  EISDIR: "that path is a directory: give the path of a file (inside it, if you meant that directory)",
  ENOTDIR: "a parent of that path is a file, not a directory: check the path",
  ENAMETOOLONG: "the path (or one of its names) is longer than the file system allows: use a shorter path",
  ELOOP: "that path has a symbolic link loop: check the links along it",
  EACCES: "you may not access that path: check its permissions or use another path",
};

/** The errno of a Node.js file system error, if `error` is one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

export function classifyFsError(error: unknown): ErrorCode {
  if (isCairnError(error)) return error.code;
  const errno = errnoOf(error);
  return (errno !== undefined && ERRNO_CODES[errno]) || "Internal";
}

/** The next step for a file system error, when its errno says the path itself is wrong. */
export function fsErrorHint(error: unknown): string | undefined {
  const errno = errnoOf(error);
  return errno === undefined ? undefined : ERRNO_HINTS[errno];
}

/**
 * A file system error as a CairnError that names `path` and what was being done ("read", "write"),
 * classified and with a hint; CairnErrors pass through.
 */
export function fsError(error: unknown, action: string, path: string): CairnError {
  if (isCairnError(error)) return error;
  const reason = (error as NodeJS.ErrnoException | undefined)?.message?.replace(/, \w+ '.*'$/s, "") ?? String(error);
  const hint = fsErrorHint(error);
  return new CairnError(classifyFsError(error), `cannot ${action} ${path}: ${reason}`, { cause: error, ...(hint === undefined ? {} : { hint }) });
}
