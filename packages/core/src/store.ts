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
  /**
   * Read by core, never passed to a driver: the caller vouches that an object under the key
   * holding exactly these bytes can only be this write — the bytes are unique to it (a lock file's
   * nonce, a journal object under this update's own random id), or nobody else may write the key
   * now (a stack file written under the writer's own stack lock). Then a precondition failure
   * after an ambiguous failure (see `StateStore.put`) that finds these bytes stored is this write
   * having landed, and `put` returns the stored version instead of `Conflict`. Never set it where
   * two writers can write the same bytes (a counter, a shared index): there equal bytes prove
   * nothing, and taking them for ours would lose the other writer's update.
   */
  bytesIdentifyWrite?: boolean;
}

export interface DeleteOptions {
  ifMatch?: string;
  /**
   * Read by core, never passed to a driver: nobody else may change or remove the key now (the
   * caller holds the stack's lock), so after an ambiguous failure a precondition failure that
   * finds the key gone is this delete having landed, not `Conflict`.
   */
  soleWriter?: boolean;
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
  /**
   * Returns the new version. Throws a `Conflict` CairnError when a precondition fails.
   *
   * Ambiguous failures — what a driver must report: when a write may have reached the store but
   * its outcome is unknown (the connection reset or timed out after the request was sent, a 5xx,
   * a lost answer), the driver throws a CairnError with `ambiguous: true` (the default for
   * `Unavailable`, `Timeout` and `Internal`; pass `ambiguous: false` only when the request
   * provably was not processed: connection refused, throttled). A driver that retries must do so
   * through core's `withRetry`, which marks the error it finally throws ambiguous once any try
   * was — so a retried conditional write that fails its own precondition (the first try landed)
   * throws an ambiguous `Conflict`, not a plain one. A driver never decides such a `Conflict` is a
   * success itself: core does, once for every store (`classifiedStore`), by reading the key back
   * when the caller set `bytesIdentifyWrite`. Without that flag the `Conflict` stands (with
   * `ambiguous` set) and the caller's own re-read-and-retry loop decides.
   */
  put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<string>;
  /**
   * Idempotent without `ifMatch`; `Conflict` when `ifMatch` does not hold. Ambiguous failures as
   * for `put` (an ambiguous `Conflict` with `soleWriter` set and the key gone is this delete).
   */
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
