import { randomBytes } from "node:crypto";
import { open, rename, unlink, link } from "node:fs/promises";
import { makeDirectory } from "./make-directory.js";
import { basename, dirname, join } from "node:path";
import { tempFileName } from "./temp-files.js";

export { isTempFileName } from "./temp-files.js";

export interface AtomicWriteOptions {
  /** File mode for a new file, e.g. 0o600 for credentials. */
  mode?: number;
  /**
   * fsync the bytes and the directory (default true). Lock files pass false: a lock need not
   * survive power loss, and an fsync on every lock would slow every compare-and-swap.
   */
  durable?: boolean;
}

/**
 * Writes `path` so that a reader (or a crash) only ever sees the old or the new bytes: a temp file
 * beside the target (same device, so rename is atomic), fsync, rename, fsync of the directory.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = await writeTempBeside(path, data, options);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  if (options.durable !== false) await syncDirectory(dirname(path));
}

/**
 * Creates `path` only if nothing exists there, with complete contents from the first moment:
 * the bytes go to a temp file, which is then hard-linked into place (link fails with EEXIST
 * atomically). Throws the EEXIST error when the file exists.
 */
export async function createFileExclusive(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = await writeTempBeside(path, data, options);
  try {
    await link(temp, path);
  } finally {
    await unlink(temp).catch(() => {});
  }
  if (options.durable !== false) await syncDirectory(dirname(path));
}

async function writeTempBeside(path: string, data: Uint8Array | string, options: AtomicWriteOptions): Promise<string> {
  await makeDirectory(dirname(path));
  const temp = join(dirname(path), tempFileName(basename(path), randomBytes(4).toString("hex")));
  const handle = await open(temp, "wx", options.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    if (options.durable !== false) await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  return temp;
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the rename itself durable. Some file systems refuse to fsync a directory; the rename
  // is still atomic there, only its durability across power loss is weaker.
  const handle = await open(directory, "r").catch(() => undefined);
  if (handle === undefined) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
