import { createHash } from "node:crypto";
import { open, readdir, readFile, unlink, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  CairnError,
  canceledTry,
  createFileExclusive,
  isTempFileName,
  LOCK_BREAK_SUFFIX,
  removeAbandonedTempFiles,
  removeTempFileIfAbandoned,
  systemClock,
  throwIfCanceled,
  withFileLock,
  writeFileAtomic,
} from "@cairn/core/driver";
import type { CallOptions, DeleteOptions, ErrorCode, GetOptions, ListedObject, ListOptions, ListPage, PutOptions, StateStore, StoredObject, Clock } from "@cairn/core/driver";
import { classifyFileError, parentIsAnObject } from "./file-errors.js";

/** Sidecar lock taken only for compare-and-swap; listings skip it. */
const CAS_LOCK_SUFFIX = ".cairn-lock";
/** gocloud's fileblob writes attribute sidecars beside objects; they are not objects. */
const ATTRS_SUFFIX = ".attrs";
const DEFAULT_PAGE = 1000;

export interface FileStoreOptions {
  /** Time and pauses for lock timeouts and backoff, and the age of abandoned temp files; tests inject a `ManualClock`. */
  clock?: Clock;
  /** A temp file whose writer cannot be judged (another host, an older cairn) is removed once older than this (default a day). */
  abandonedTempAgeMs?: number;
}

/**
 * Keys are files under `root`. Every write goes to a new temp file that is renamed (or linked)
 * into place, so a reader or a crash sees whole old or whole new bytes, and every write gives the
 * file a new inode: inode + nanosecond mtime + size is a version that changes on every write.
 */
export class FileStore implements StateStore {
  readonly capabilities = { conditionalWrite: true } as const;
  /** No credential: the operating system's file permissions decide (shown by `whoami -v`). */
  readonly credentialSource = "local files (operating-system permissions; no credential)";

  constructor(
    readonly root: string,
    readonly url: string,
    private readonly options: FileStoreOptions = {},
  ) {}

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    throwIfCanceled(options.signal, `get ${key}`);
    const handle = await open(this.pathOf(key), "r").catch((error: NodeJS.ErrnoException) => {
      // ENOTDIR: a parent of the key is a file, so nothing can be stored under the key.
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw error;
    });
    if (handle === undefined) return undefined;
    try {
      // Content and identity from the same descriptor: a concurrent rename cannot mix versions.
      const info = await handle.stat({ bigint: true });
      // A directory is only a prefix of other keys, not an object (open(2) succeeds on it).
      if (!info.isFile()) return undefined;
      const { signal } = options;
      const read = await handle.readFile(signal === undefined ? {} : { signal }).catch((error: unknown) => {
        throw signal?.aborted ? canceledTry(signal, error, { what: `get ${key}` }) : error;
      });
      const bytes = new Uint8Array(read);
      return { bytes, version: versionOf(info) };
    } finally {
      await handle.close();
    }
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    throwIfCanceled(options.signal, `put ${key}`);
    const path = this.pathOf(key);
    try {
      return await this.write(key, path, bytes, options);
    } catch (error) {
      throw parentIsAnObject(key, error) ?? error;
    }
  }

  private async write(key: string, path: string, bytes: Uint8Array, options: PutOptions): Promise<string> {
    // What killed writers left in this directory goes first (never a live writer's temp file).
    await removeAbandonedTempFiles(dirname(path), this.abandonedTempOptions());
    // gocloud's fileblob (Pulumi on file://) keeps `<file>.attrs` beside what it wrote: its MD5
    // and content type. When cairn replaces such a file the sidecar is rewritten for the new bytes,
    // as fileblob would have written it; one cairn cannot read goes (fileblob reads an object
    // without a sidecar as plain bytes). Files without a sidecar get none.
    const sidecar = await readAttrsSidecar(path);
    const version = await this.writeObject(key, path, bytes, options);
    if (sidecar === "unreadable") await removeAttrsSidecar(path);
    else if (sidecar !== undefined) await writeFileAtomic(`${path}${ATTRS_SUFFIX}`, refreshedAttrs(sidecar, bytes));
    return version;
  }

  private async writeObject(key: string, path: string, bytes: Uint8Array, options: PutOptions): Promise<string> {
    if (options.ifNoneMatch === "*") {
      try {
        await createFileExclusive(path, bytes);
      } catch (error) {
        // Only the final link failing means the key exists; EEXIST from creating the parent
        // directories means a parent is a file (see parentIsAnObject).
        const { code, syscall } = error as NodeJS.ErrnoException;
        if (code === "EEXIST" && syscall === "link") throw new CairnError("Conflict", `${key} already exists`);
        throw error;
      }
      return this.versionAt(path);
    }
    if (options.ifMatch === undefined) {
      await writeFileAtomic(path, bytes);
      return this.versionAt(path);
    }
    const expected = options.ifMatch;
    return withFileLock(`${path}${CAS_LOCK_SUFFIX}`, async () => {
      await this.requireVersion(key, path, expected);
      await writeFileAtomic(path, bytes);
      return this.versionAt(path);
    }, this.lockOptions(options));
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    throwIfCanceled(options.signal, `delete ${key}`);
    const path = this.pathOf(key);
    await removeAbandonedTempFiles(dirname(path), this.abandonedTempOptions());
    const remove = () => unlink(path).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR" || (await isDirectory(path))) return; // nothing stored under this key
      throw error;
    });
    if (options.ifMatch === undefined) {
      await remove();
    } else {
      const expected = options.ifMatch;
      await withFileLock(`${path}${CAS_LOCK_SUFFIX}`, async () => {
        await this.requireVersion(key, path, expected);
        await remove();
      }, this.lockOptions(options));
    }
    // As fileblob's Delete: the object's `.attrs` sidecar goes with it.
    await removeAttrsSidecar(path);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const limit = options.limit ?? DEFAULT_PAGE;
    const keys: string[] = [];
    const temps: string[] = [];
    await this.walk("", prefix, keys, temps, options.signal);
    for (const temp of temps) await removeTempFileIfAbandoned(temp, this.abandonedTempOptions());
    const after = options.cursor;
    const remaining = keys.sort().filter((key) => after === undefined || key > after);
    const page = remaining.slice(0, limit);
    const objects: ListedObject[] = [];
    for (const key of page) {
      const info = await stat(this.pathOf(key), { bigint: true }).catch(() => undefined);
      if (info !== undefined) objects.push({ key, size: Number(info.size), version: versionOf(info), modified: new Date(Number(info.mtimeMs)) });
    }
    return remaining.length > limit ? { objects, cursor: page.at(-1)! } : { objects };
  }

  classifyError(error: unknown): ErrorCode {
    return classifyFileError(error);
  }

  async close(): Promise<void> {}

  /** Collects keys under `directory` (a key prefix ending in `/`, or "") that start with `prefix`, and the paths of temp files met on the way. */
  private async walk(directory: string, prefix: string, keys: string[], temps: string[], signal: AbortSignal | undefined): Promise<void> {
    // Only descend where the prefix can still match: `a/b` needs `a/`, not `c/`.
    if (!prefix.startsWith(directory) && !directory.startsWith(prefix)) return;
    throwIfCanceled(signal, `list ${prefix}`); // a deep tree is many reads: stop between them
    const entries = await readdir(join(this.root, directory), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return [];
      throw error;
    });
    for (const entry of entries) {
      const key = `${directory}${entry.name}`;
      if (entry.isDirectory()) await this.walk(`${key}/`, prefix, keys, temps, signal);
      else if (entry.isFile() && key.startsWith(prefix) && isObjectName(entry.name)) keys.push(key);
      else if (entry.isFile() && isTempFileName(entry.name)) temps.push(join(this.root, key));
    }
  }

  private abandonedTempOptions() {
    const now = (this.options.clock ?? systemClock).now();
    return this.options.abandonedTempAgeMs === undefined ? { now } : { now, maxAgeMs: this.options.abandonedTempAgeMs };
  }

  /** The compare-and-swap sidecar lock's wait: the store's clock, ended by the call's signal (nothing written then). */
  private lockOptions({ signal }: CallOptions) {
    return { ...(this.options.clock === undefined ? {} : { clock: this.options.clock }), ...(signal === undefined ? {} : { signal }) };
  }

  private async requireVersion(key: string, path: string, expected: string): Promise<void> {
    const current = await stat(path, { bigint: true }).catch(() => undefined);
    if (current === undefined || versionOf(current) !== expected) {
      throw new CairnError("Conflict", `${key} changed since version ${expected}`);
    }
  }

  private async versionAt(path: string): Promise<string> {
    return versionOf(await stat(path, { bigint: true }));
  }

  private pathOf(key: string): string {
    const segments = key.split("/");
    if (key === "" || key.startsWith("/") || key.includes("\\") || key.includes("\0") || segments.some((s) => s === "" || s === "." || s === "..")) {
      throw new CairnError("InvalidArgument", `invalid key ${JSON.stringify(key)} for the file backend`);
    }
    return join(this.root, ...segments);
  }
}

/** fileblob's `xattrs`, in its field order (`gocloud.dev/blob/fileblob/attrs.go`). */
const ATTRS_FIELDS = ["user.cache_control", "user.content_disposition", "user.content_encoding", "user.content_language", "user.content_type", "user.metadata", "md5"] as const;

async function readAttrsSidecar(path: string): Promise<Record<string, unknown> | "unreadable" | undefined> {
  let text: string;
  try {
    text = await readFile(`${path}${ATTRS_SUFFIX}`, "utf8");
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return "unreadable";
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : "unreadable";
  } catch {
    return "unreadable";
  }
}

/**
 * The sidecar fileblob writes for `bytes`: the previous attributes with the new MD5 (Go's
 * `json.Encoder`: compact, `[]byte` as base64, a final newline); gzip content is typed as Go's
 * content sniffing types it.
 */
function refreshedAttrs(previous: Record<string, unknown>, bytes: Uint8Array): string {
  const attrs: Record<string, unknown> = {};
  for (const field of ATTRS_FIELDS) attrs[field] = previous[field] ?? (field === "user.metadata" ? null : "");
  for (const [field, value] of Object.entries(previous)) if (!(field in attrs)) attrs[field] = value;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) attrs["user.content_type"] = "application/x-gzip";
  attrs.md5 = createHash("md5").update(bytes).digest("base64");
  return `${JSON.stringify(attrs)}\n`;
}

async function removeAttrsSidecar(path: string): Promise<void> {
  await unlink(`${path}${ATTRS_SUFFIX}`).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT" && error.code !== "ENOTDIR") throw error;
  });
}

/** Linux refuses to unlink a directory with EISDIR, macOS with EPERM: both mean "no object here". */
async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

function isObjectName(name: string): boolean {
  return !isTempFileName(name) && !name.endsWith(CAS_LOCK_SUFFIX) && !name.endsWith(`${CAS_LOCK_SUFFIX}${LOCK_BREAK_SUFFIX}`) && !name.endsWith(ATTRS_SUFFIX);
}

function versionOf(info: { ino: bigint; mtimeNs: bigint; size: bigint }): string {
  return `${info.ino}.${info.mtimeNs}.${info.size}`;
}
