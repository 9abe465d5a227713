import { CairnError, classifyFsError, type ErrorCode } from "@cairn/core/driver";

/** The file store classifies as every local file operation does: core's one errno table. */
export function classifyFileError(error: unknown): ErrorCode {
  return classifyFsError(error);
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
