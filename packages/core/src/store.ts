import type { ErrorCode } from "./errors.js";

/**
 * The driver SPI: what a storage backend author implements (`@cairn/core/driver`). Bytes under
 * keys, with versions for preconditions; core lays Pulumi's self-managed layout, its locks and
 * history over it (`createStoreBackend`). Every contract below is what core relies on and what
 * `@cairn/conformance`'s store suite checks.
 *
 * **Keys.** A key is a non-empty `/`-separated relative path: no leading or trailing `/`, no empty,
 * `.` or `..` segment, any other Unicode text in a segment (core writes `.pulumi/…` keys from
 * validated stack and project names, but a driver must store any such key unchanged: spaces,
 * `+`, `%`, `=`, `&`, `~`, quotes, non-ASCII — the conformance suite's odd keys). Keys are
 * compared and ordered as JavaScript strings (UTF-16 code units). A driver that maps keys onto
 * names of its own (a bucket prefix, file paths) maps them one to one and back.
 *
 * **Concurrency.** Core calls every method concurrently, on one instance and from many instances
 * and processes over the same state; each call must be safe alongside any other. Conditional
 * writes are what orders concurrent writers (see `put`); nothing else is serialised for the driver.
 *
 * **Errors.** A failure rejects with a `CairnError` (or a native error that `classifyError` maps):
 * `NotFound` only for a missing bucket/container/repository (a missing key is not an error),
 * `Conflict` for a failed precondition, `Unauthenticated` / `PermissionDenied` for credentials,
 * `Unavailable` / `RateLimited` / `Timeout` for transient failures, `Canceled` when the call's
 * `signal` fired, `InvalidArgument` for a key or option the store cannot take, `Internal` for
 * anything else. Ambiguity (a write that may have landed although it failed) is in `put`.
 *
 * **Cancellation.** Every call takes an optional `signal` in its options. A driver passes it to
 * its SDK where the SDK takes one (`abortSignal`, fetch's `signal`) and to `withRetry`; a call
 * whose signal fired fails with `Canceled` — not ambiguous when nothing was sent, ambiguous when a
 * write's request may already have reached the store.
 */

/** One object as `get` read it. */
export interface StoredObject {
  /** The bytes exactly as `put` stored them (no text decoding, no trailing newline added). */
  bytes: Uint8Array;
  /**
   * Opaque version token of exactly these bytes (ETag, generation, commit, file identity), read
   * atomically with them: an `ifMatch` with it succeeds only while these bytes are still stored.
   * A new version for every write, even of identical bytes.
   */
  version: string;
}

/** What every call that can wait accepts. */
export interface CallOptions {
  /**
   * Aborts the call: it fails with `Canceled` (see "Cancellation" above). A driver that cannot
   * abort a request in flight still checks the signal before it starts one and between retries.
   */
  signal?: AbortSignal;
}

export type GetOptions = CallOptions;

export interface PutOptions extends CallOptions {
  /**
   * Write only if the object's current version equals this one (compare-and-swap). A missing
   * key never matches: `Conflict`, and the key is not created.
   */
  ifMatch?: string;
  /** `"*"`: write only if no object exists under the key (conditional create); else `Conflict`. */
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

export interface DeleteOptions extends CallOptions {
  /** Delete only if the object's current version equals this one; else `Conflict`, object kept. */
  ifMatch?: string;
  /**
   * Read by core, never passed to a driver: nobody else may change or remove the key now (the
   * caller holds the stack's lock), so after an ambiguous failure a precondition failure that
   * finds the key gone is this delete having landed, not `Conflict`.
   */
  soleWriter?: boolean;
}

export interface ListOptions extends CallOptions {
  /** Opaque token from the previous page's `cursor`; the listing continues after that page. */
  cursor?: string;
  /** At most this many objects in the page (a driver may return fewer). Default: the driver's. */
  limit?: number;
}

/** One key as `list` saw it. Every field but `key` is optional: a store gives what it knows. */
export interface ListedObject {
  key: string;
  /** The stored byte length (what `get` would return), when the listing says. */
  size?: number;
  /**
   * The key's version, equal to what `get` returns for it at that moment — or absent. Never a
   * different token (S3's listed ETag is not its conditional-write version: leave it out). Core's
   * stack index trusts a cached entry when its version equals the listed one; a listed version
   * that is not `get`'s would make it serve stale summaries.
   */
  version?: string;
  /**
   * Last modification time, when the store knows it; a later write of a key gives a time no
   * earlier than an earlier write's (at the store's resolution). This is what decides between a
   * stack's file suffixes (`.json`, `.json.gz`, `.json.zst`: the newest wins, as in Pulumi) and,
   * for a listing without `version`, what with `size` tells a rewritten stack file from the one
   * the index was built from.
   */
  modified?: Date;
}

export interface ListPage {
  objects: ListedObject[];
  /** Present when there are more objects to list; absent on the last page. */
  cursor?: string;
}

export interface StoreCapabilities {
  /**
   * `ifMatch` / `ifNoneMatch` are judged and applied atomically by the store (S3 `If-Match`, GCS
   * generations, Azure ETags, an exclusive create on a file system, a push that must fast-forward).
   * Core's stack locks are conditional creates: without it, locking is refused unless the user
   * opts in to unsafe locking, and core passes no preconditions at all.
   */
  conditionalWrite: boolean;
  /**
   * The store records its own history (git): core writes no history files, reads a stack's
   * history through `history`, and refuses to prune or archive it.
   */
  nativeHistory?: boolean;
}

export interface StateStore {
  /** The URL the store was opened with, without secrets (it is printed to users). */
  readonly url: string;
  /** What the store guarantees; constant for the store's life. */
  readonly capabilities: StoreCapabilities;
  /**
   * The object under `key`, or `undefined` when nothing is stored there — also under a "directory"
   * that does not exist; never an error for a missing key. Bytes and version are read atomically.
   * After a `put` or `delete` of the key completed, a `get` (from any instance) sees its effect.
   * Errors: `NotFound` only when the bucket/container/repository itself is missing.
   */
  get(key: string, options?: GetOptions): Promise<StoredObject | undefined>;
  /**
   * Stores `bytes` whole under `key` (a reader sees all the old or all the new bytes, never a
   * mix) and returns the new version, which a `get` right after returns. Every write gets a new
   * version, even of identical bytes. Preconditions (with `capabilities.conditionalWrite`; a
   * driver without it is never given any): `ifNoneMatch: "*"` writes only if nothing is stored,
   * `ifMatch: v` only if the current version is `v`; a failed precondition throws a `Conflict`
   * CairnError and changes nothing. Of concurrent conditional writes from the same state exactly
   * one succeeds. Core never sets both.
   *
   * Ambiguous failures — what a driver must report: when a write may have reached the store but
   * its outcome is unknown (the connection reset or timed out after the request was sent, a 5xx,
   * a lost answer, an abort while the request was in flight), the driver throws a CairnError with
   * `ambiguous: true` (the default for `Unavailable`, `Timeout` and `Internal`; pass
   * `ambiguous: false` only when the request provably was not processed: connection refused,
   * throttled). A driver that retries must do so through core's `withRetry`, which marks the error
   * it finally throws ambiguous once any try was — so a retried conditional write that fails its
   * own precondition (the first try landed) throws an ambiguous `Conflict`, not a plain one. A
   * driver never decides such a `Conflict` is a success itself: core does, once for every store
   * (`classifiedStore`), by reading the key back when the caller set `bytesIdentifyWrite`. Without
   * that flag the `Conflict` stands (with `ambiguous` set) and the caller's own re-read-and-retry
   * loop decides.
   */
  put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<string>;
  /**
   * Removes `key`. Idempotent without `ifMatch`: deleting a missing key succeeds. With `ifMatch`
   * it deletes only that version: a stored object of another version is kept and the call fails
   * with `Conflict`. A later `get` resolves `undefined` and a later `list` omits the key. Ambiguous
   * failures as for `put` (an ambiguous `Conflict` with `soleWriter` set and the key gone is this
   * delete).
   */
  delete(key: string, options?: DeleteOptions): Promise<void>;
  /**
   * The keys that start with `prefix` — a string prefix, not a directory: `a/b` matches `a/b.x`
   * and `a/bc/…`, `a/b/` matches everything below `a/b/` at any depth, `""` matches every key —
   * in lexicographic (JavaScript string) order, paged: at most `limit` per page, `cursor` set
   * while more remain, each key exactly once across the pages of one listing. Consistent after
   * writes: a listing started after a `put` or `delete` completed reflects it (core finds stack
   * files, journals, history and locks by listing). The driver's own bookkeeping objects (temp
   * files, lock sidecars) are not listed. See `ListedObject` for what each field must mean.
   */
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /**
   * Where the credential this store uses came from, for `whoami -v` (e.g. `env:AZURE_STORAGE_KEY`,
   * `aws-profile:ci`, `gcp:application-default`, `local files`). Never the secret itself.
   */
  readonly credentialSource?: string;
  /**
   * Maps a native error thrown by this store's SDK to a code; anything it does not know is
   * `Internal`. Pure and total: never throws, whatever it is given.
   */
  classifyError(error: unknown): ErrorCode;
  /**
   * Releases what the store holds (connections, clients). Idempotent: a second call resolves and
   * does nothing. Nothing calls the store after it; core's backend closes its store once
   * (`StateBackend.close` may be called again), and never while its own calls are under way.
   */
  close(): Promise<void>;
  /**
   * Optional, for stores with `capabilities.nativeHistory` (git): the writes of `key`, newest
   * first, at most `limit`, from the store's own log. Core's `listHistory` reads a stack's history
   * through it; a key never written has an empty history.
   */
  history?(key: string, options?: { limit?: number } & CallOptions): Promise<StoreHistoryEntry[]>;
  /**
   * Optional, with `history`: the bytes `key` held as of one of its history entries (that entry's
   * `version`), or `undefined` when the version is not one of this key's (or was its removal).
   * Core's `exportDeployment({ version })` and so `cairn stack restore --version` read past
   * states through it; a store without it has history to list but no past states to give.
   */
  readVersion?(key: string, version: string, options?: CallOptions): Promise<Uint8Array | undefined>;
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

/** Lists every key under `prefix`, following cursors. */
export async function listAll(store: StateStore, prefix: string, options: CallOptions = {}): Promise<ListedObject[]> {
  const all: ListedObject[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { ...options, ...(cursor === undefined ? {} : { cursor }) });
    all.push(...page.objects);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return all;
}
