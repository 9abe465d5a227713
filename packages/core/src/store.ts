import type { ErrorCode, LockInfo } from "./errors.js";

/**
 * The driver SPI: what a storage backend author implements. Bytes under keys, with versions for
 * preconditions. Keys are `/`-separated relative paths such as `.pulumi/stacks/p/dev.json`.
 */
export interface StoredObject {
  bytes: Uint8Array;
  /** Opaque version token (ETag, generation, commit, file identity). */
  version: string;
}

export interface PutOptions {
  /** Write only if the object's current version equals this one (compare-and-swap). */
  ifMatch?: string;
  /** `"*"`: write only if no object exists under the key (conditional create). */
  ifNoneMatch?: "*";
}

export interface DeleteOptions {
  ifMatch?: string;
}

export interface ListOptions {
  /** Opaque token from the previous page's `cursor`. */
  cursor?: string;
  limit?: number;
}

export interface ListedObject {
  key: string;
  size?: number;
  version?: string;
  /** Last modification time, when the store knows it. */
  modified?: Date;
}

export interface ListPage {
  objects: ListedObject[];
  /** Present when there are more objects to list. */
  cursor?: string;
}

export interface StoreCapabilities {
  /** Honours `ifMatch` / `ifNoneMatch` atomically. Without it, locking needs an explicit opt-out. */
  conditionalWrite: boolean;
  /** A list issued after a completed write sees that write. */
  listAfterWriteConsistent: boolean;
  /** The store records its own history (git), so core need not write history files. */
  nativeHistory?: boolean;
}

export interface StateStore {
  /** The URL the store was opened with (no secrets). */
  readonly url: string;
  readonly capabilities: StoreCapabilities;
  /** Resolves `undefined` when the key does not exist. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Returns the new version. Throws a `Conflict` CairnError when a precondition fails. */
  put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<string>;
  /** Idempotent without `ifMatch`; `Conflict` when `ifMatch` does not hold. */
  delete(key: string, options?: DeleteOptions): Promise<void>;
  /** Lists keys starting with `prefix`, in lexicographic order, paged. */
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /**
   * Where the credential this store uses came from, for `whoami -v` (e.g. `env:AZURE_STORAGE_KEY`,
   * `aws-profile:ci`, `gcp:application-default`, `local files`). Never the secret itself.
   */
  readonly credentialSource?: string;
  /** Maps a native error thrown by this store's SDK to a code. */
  classifyError(error: unknown): ErrorCode;
  close(): Promise<void>;
  /**
   * Optional, for stores with `capabilities.nativeHistory` (git): the writes of `key`, newest
   * first, from the store's own log. Core's `listHistory` reads a stack's history through it.
   */
  history?(key: string, options?: { limit?: number }): Promise<StoreHistoryEntry[]>;
}

/** One write of a key in a store's native history (a git commit). */
export interface StoreHistoryEntry {
  /** The key's version after this write (for a removal, the store's id of the write). */
  version: string;
  time: Date;
  /** One line describing the write (a commit subject). */
  message: string;
  author?: string;
  /** The store's own id of the write (a commit id), when it has one. */
  commit?: string;
}

/** Native locks (e.g. blob leases), for stores that have them. Optional. */
export interface StateLocker {
  /** Takes the lock named `key` or throws a `Locked` CairnError naming the holder. */
  acquire(key: string, info: LockInfo): Promise<LockHandle>;
  /** Who holds the lock, if anyone. */
  inspect(key: string): Promise<LockInfo | undefined>;
  /** Removes a lock regardless of holder. */
  breakLock(key: string): Promise<void>;
}

export interface LockHandle {
  readonly info: LockInfo;
  release(): Promise<void>;
}

/** Lists every key under `prefix`, following cursors. */
export async function listAll(store: StateStore, prefix: string): Promise<ListedObject[]> {
  const all: ListedObject[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, cursor === undefined ? {} : { cursor });
    all.push(...page.objects);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return all;
}
