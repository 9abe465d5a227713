import * as fs from "node:fs";
import git from "isomorphic-git";
import { CairnError, canceledTry, markAmbiguous, orCanceled, pause, systemClock, throwIfCanceled, withRetry } from "@cairn/core/driver";
import type { CallOptions, DeleteOptions, ErrorCode, GetOptions, ListOptions, ListPage, PutOptions, StateStore, StoreHistoryEntry } from "@cairn/core/driver";
import { cacheDirFor, discardEmptyCacheRoot, discardNewCache, ensureCacheRepo, withCache } from "./clone-cache.js";
import { commitMessage, commitSubject, commitWrote, resolveAuthor, type GitAuthor } from "./commit-message.js";
import type { GitCredential } from "./git-credentials.js";
import { classifyGitError, pushMayHaveLanded, toGitCairnError } from "./git-errors.js";
import { isPushRejected, type GitRemote } from "./git-remote.js";
import { GitTrees } from "./git-tree.js";
import type { GitBackendOptions } from "./git-url.js";
import { formatVersion, parseVersion } from "./git-version.js";
import { FileRemote } from "./file-remote.js";
import { HttpRemote } from "./http-remote.js";

/** How often a write that lost a push race is rebuilt on the new tip before giving up. */
const MAX_PUSH_ATTEMPTS = 12;
/** How far back a version check walks before calling the version stale. */
const MAX_VERSION_WALK = 10_000;
const DEFAULT_PAGE = 1000;

export interface GitStoreOptions extends GitBackendOptions {
  /** `$PULUMI_HOME`: the clone cache lives under it. */
  home: string;
  credential?: GitCredential;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A StateStore over a branch of a git repository. Each put or delete is one commit on the
 * remote tip, pushed as a compare-and-swap of the branch: a lost race re-fetches and re-checks
 * the preconditions, so a conditional create can win for one writer only. Reads fetch first, so
 * they see every completed write. The local bare clone under `$PULUMI_HOME` is only a cache: it
 * tracks the remote in a ref of its own and never holds commits the remote lacks.
 */
export class GitStore implements StateStore {
  readonly url: string;
  readonly capabilities = { conditionalWrite: true, nativeHistory: true } as const;
  /** Which source supplied the token (`env:GIT_TOKEN`, `stored`, …) or `none`, for `whoami -v`. */
  readonly credentialSource: string;
  /** The bare clone cache. */
  readonly cacheDir: string;
  private readonly options: GitStoreOptions;
  private readonly remote: GitRemote;
  private readonly trees: GitTrees;
  private readonly objectCache = {};
  private branch: Promise<string> | undefined;
  private author: Promise<GitAuthor> | undefined;

  constructor(options: GitStoreOptions) {
    this.options = options;
    this.url = options.displayUrl;
    this.credentialSource = options.credential?.source ?? "none";
    this.cacheDir = cacheDirFor(options.home, options.displayUrl);
    this.trees = new GitTrees(this.cacheDir, this.objectCache);
    this.remote =
      options.remote.kind === "file"
        ? new FileRemote(this.cacheDir, options.remote.path)
        : new HttpRemote(this.cacheDir, options.remote.url, options.credential, this.objectCache);
  }

  async get(key: string, options: GetOptions = {}) {
    const path = this.options.prefix.objectName(key);
    return this.withFreshTip("read", options, async (tip) => {
      const blob = await this.trees.blobAt(tip, path);
      if (blob === undefined || tip === undefined) return undefined;
      return { bytes: await this.trees.readBlob(blob), version: formatVersion({ blob, commit: tip }) };
    });
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    const path = this.options.prefix.objectName(key);
    return this.operate("write", options, async () => {
      const blob = await this.trees.writeBlob(bytes);
      const commit = await this.commitWithRetry("update", key, path, blob, options);
      return formatVersion({ blob, commit: commit! });
    });
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const path = this.options.prefix.objectName(key);
    await this.operate("delete", options, () => this.commitWithRetry("delete", key, path, undefined, options));
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const limit = options.limit ?? DEFAULT_PAGE;
    const cursor = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const fullPrefix = this.options.prefix.objectName(prefix);
    const list = async (commit: string | undefined): Promise<ListPage> => {
      if (commit === undefined) return { objects: [] };
      const dir = fullPrefix.includes("/") ? fullPrefix.slice(0, fullPrefix.lastIndexOf("/")) : "";
      const files = await this.trees.filesUnder(await this.trees.treeOf(commit), dir);
      const keys = files
        .filter((file) => file.path.startsWith(fullPrefix))
        .map((file) => ({ key: this.options.prefix.keyOf(file.path)!, version: formatVersion({ blob: file.oid, commit }) }))
        .filter((object) => cursor === undefined || object.key > cursor.after)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const objects = keys.slice(0, limit);
      return keys.length > limit ? { objects, cursor: encodeCursor(commit, objects.at(-1)!.key) } : { objects };
    };
    // Later pages list the same commit as the first: a consistent snapshot across pages.
    if (cursor !== undefined) return this.operate("list", options, () => list(cursor.commit));
    return this.withFreshTip("list", options, list);
  }

  /** The commits that wrote `key`, newest first: git log is this store's history. */
  async history(key: string, options: { limit?: number } & CallOptions = {}): Promise<StoreHistoryEntry[]> {
    const path = this.options.prefix.objectName(key);
    const { signal } = options;
    return this.operate("read history", options, async () => {
      const tip = await this.remote.fetch(await this.branchName(signal), { deepen: true, ...(signal === undefined ? {} : { signal }) });
      const entries: StoreHistoryEntry[] = [];
      let commit = tip;
      while (commit !== undefined && (options.limit === undefined || entries.length < options.limit)) {
        throwIfCanceled(signal, `read the history of ${key}`); // a long log is many reads: stop between them
        const { commit: object } = await git.readCommit({ fs, gitdir: this.cacheDir, oid: commit, cache: this.objectCache });
        const parent = object.parent[0];
        const blob = await this.trees.blobAt(commit, path);
        const before = parent === undefined ? undefined : await this.trees.blobAt(parent, path).catch(() => undefined);
        if (commitWrote(object.message, path) || blob !== before) {
          entries.push({
            version: blob === undefined ? commit : formatVersion({ blob, commit }),
            time: new Date(object.committer.timestamp * 1000),
            message: commitSubject(object.message),
            author: `${object.author.name} <${object.author.email}>`,
            commit,
          });
        }
        commit = parent;
      }
      return entries;
    });
  }

  /** The bytes `key` held as of a `history` entry's version (`<blob>@<commit>`), checked against that commit's tree. */
  async readVersion(key: string, version: string, options: CallOptions = {}): Promise<Uint8Array | undefined> {
    const parsed = parseVersion(version);
    if (parsed === undefined) return undefined;
    const path = this.options.prefix.objectName(key);
    const { signal } = options;
    return this.operate("read a past version", options, async () => {
      // The whole history, as `history` fetched it: an older commit may not be in a shallow cache.
      await this.remote.fetch(await this.branchName(signal), { deepen: true, ...(signal === undefined ? {} : { signal }) });
      const blob = await this.trees.blobAt(parsed.commit, path).catch(() => undefined);
      return blob === parsed.blob ? this.trees.readBlob(blob) : undefined;
    });
  }

  classifyError(error: unknown): ErrorCode {
    return classifyGitError(error);
  }

  async close(): Promise<void> {}

  /** Fetches, then runs `action` on the remote tip, with the cache to ourselves. */
  private withFreshTip<T>(what: string, { signal }: CallOptions, action: (tip: string | undefined) => Promise<T>): Promise<T> {
    return this.operate(what, { ...(signal === undefined ? {} : { signal }) }, async () =>
      action(await this.remote.fetch(await this.branchName(signal), signal === undefined ? {} : { signal })),
    );
  }

  /** `action` with the cache to ourselves; the signal ends the wait for the cache and the requests. */
  private operate<T>(what: string, { signal }: CallOptions, action: () => Promise<T>): Promise<T> {
    throwIfCanceled(signal, `${what} ${this.describeRemote()}`);
    let created = false;
    const run = withCache(this.cacheDir, async () => {
      try {
        created = await ensureCacheRepo(this.cacheDir);
        return await action();
      } catch (error) {
        // Under the cache lock, so no other store of this URL is using the directory now.
        if (created) await discardNewCache(this.cacheDir);
        // Whatever isomorphic-git made of an aborted request, the call was canceled.
        if (signal?.aborted) throw canceledTry(signal, error, { what: `${what} ${this.describeRemote()}` });
        throw toGitCairnError(error, this.url, `${what} ${this.describeRemote()}`);
      }
    }, signal);
    // Once the lock file beside it is gone too, an emptied `git-cache` directory goes as well.
    return run.catch(async (error: unknown) => {
      if (created) await discardEmptyCacheRoot(this.cacheDir);
      throw error;
    });
  }

  /**
   * Commits `blob` (or the removal) at `path` on the newest remote tip and pushes it. A lost race
   * re-fetches and checks the preconditions again: a conditional write becomes a Conflict if they
   * no longer hold; otherwise the commit is rebuilt on the new tip (bounded).
   *
   * A push whose outcome is unknown (the connection broke after the pack was sent, a 5xx, a
   * garbled answer) is decided by its commit id: if the remote holds the commit, it landed. If
   * not, the whole round (fetch, preconditions, commit, push) is tried again through `withRetry`,
   * bounded and with backoff, which marks whatever is finally thrown ambiguous: a precondition
   * failure after such a push may be that push's own effect, so core reads the key back to decide.
   * Transient read failures are retried by the transport itself (`RetryingHttp`), not here.
   */
  private async commitWithRetry(
    action: "update" | "delete",
    key: string,
    path: string,
    blob: string | undefined,
    options: PutOptions,
  ): Promise<string | undefined> {
    const { signal } = options;
    const branch = await this.branchName(signal);
    /** Push failures that may have landed and were found not to have: another round may go. */
    const unsettled = new WeakSet<object>();
    return withRetry(
      async () => {
        for (let race = 1; ; race++) {
          const tip = await this.remote.fetch(branch, signal === undefined ? {} : { signal });
          const current = await this.trees.blobAt(tip, path);
          await this.checkPreconditions(key, path, tip, current, options);
          if (blob === undefined && current === undefined) return undefined; // deleting nothing: done
          const root = tip === undefined ? undefined : await this.trees.treeOf(tip);
          const tree = await this.trees.withEntry(root, path, blob);
          const author = await this.authorOf();
          const signature = { ...author, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: new Date().getTimezoneOffset() };
          const commit = await git.writeCommit({
            fs,
            gitdir: this.cacheDir,
            commit: { tree, parent: tip === undefined ? [] : [tip], author: signature, committer: signature, message: commitMessage(action, key, path) },
          });
          try {
            await this.remote.push(branch, commit, tip, signal);
            return commit;
          } catch (error) {
            // Canceled: the remote's push reported the abort (ambiguous once the push may have landed).
            if (signal?.aborted) throw error;
            if (pushMayHaveLanded(error)) {
              // The commit id is this write's identity: if the remote's branch is at it (or has
              // moved on from it), the push landed and only its answer was lost.
              if (await this.remoteHolds(branch, commit)) return commit;
              if (typeof error === "object" && error !== null) unsettled.add(error);
              throw markAmbiguous(error);
            }
            if (!isPushRejected(error)) throw error;
            if (race >= MAX_PUSH_ATTEMPTS) {
              throw new CairnError("Unavailable", `${this.url}: gave up writing ${key} after ${race} pushes lost to other writers`, {
                cause: error,
                retryable: true,
                hint: "many writers are pushing to this branch at once; try again",
              });
            }
            await pause(systemClock, Math.random() * Math.min(1000, 20 * 2 ** race), signal, `${action} ${key}`);
          }
        }
      },
      {
        isRetryable: (error) => typeof error === "object" && error !== null && unsettled.has(error),
        // Not `write`: a push aborted in flight is already an ambiguous Canceled (RetryingHttp, FileRemote);
        // an abort anywhere else in a round (a fetch, the race backoff) pushed nothing.
        what: `${action} ${key}`,
        ...(signal === undefined ? {} : { signal }),
      },
    );
  }

  /** Whether the remote branch's tip is `commit` or descends from it (fetched afresh). */
  private async remoteHolds(branch: string, commit: string): Promise<boolean> {
    const tip = await this.remote.fetch(branch).catch(() => undefined);
    if (tip === undefined) return false;
    if (tip === commit) return true;
    return git.isDescendent({ fs, gitdir: this.cacheDir, oid: tip, ancestor: commit, depth: MAX_VERSION_WALK, cache: this.objectCache }).catch(() => false);
  }

  private async checkPreconditions(key: string, path: string, tip: string | undefined, current: string | undefined, options: PutOptions): Promise<void> {
    if (options.ifNoneMatch === "*" && current !== undefined) {
      throw new CairnError("Conflict", `${key} already exists in ${this.url}`);
    }
    if (options.ifMatch === undefined) return;
    const expected = parseVersion(options.ifMatch);
    if (expected === undefined || current === undefined || current !== expected.blob || !(await this.unchangedSince(path, expected.commit, tip!))) {
      throw new CairnError("Conflict", `${key} changed since version ${options.ifMatch}`);
    }
  }

  /**
   * Whether no commit after `since`, up to `tip`, wrote `path` (the caller has checked the blob at
   * the tip). Walks first parents; a `since` that is not found (rewritten history, beyond a
   * shallow clone) counts as changed, which refuses the write rather than risk a lost update.
   */
  private async unchangedSince(path: string, since: string, tip: string): Promise<boolean> {
    let commit = tip;
    for (let steps = 0; commit !== since; steps++) {
      if (steps >= MAX_VERSION_WALK) return false;
      const read = await git.readCommit({ fs, gitdir: this.cacheDir, oid: commit, cache: this.objectCache }).catch(() => undefined);
      if (read === undefined) return false;
      const parent = read.commit.parent[0];
      if (parent === undefined || commitWrote(read.commit.message, path)) return false;
      const before = await this.trees.blobAt(parent, path).catch(() => "unknown");
      const after = await this.trees.blobAt(commit, path);
      if (before !== after) return false;
      commit = parent;
    }
    return true;
  }

  /** Asked once and shared by every call, so a call's signal only stops that call waiting for it. */
  private branchName(signal?: AbortSignal): Promise<string> {
    this.branch ??= (async () => this.options.branch ?? (await this.remote.defaultBranch()) ?? "main")().catch((error: unknown) => {
      this.branch = undefined;
      throw error;
    });
    return orCanceled(this.branch, signal, "asking the remote for its default branch");
  }

  private authorOf(): Promise<GitAuthor> {
    this.author ??= resolveAuthor(this.options.env ?? process.env);
    return this.author;
  }

  private describeRemote(): string {
    return this.options.branch === undefined ? "the repository" : `branch ${this.options.branch}`;
  }
}

function encodeCursor(commit: string, after: string): string {
  return Buffer.from(JSON.stringify({ commit, after })).toString("base64url");
}

function decodeCursor(cursor: string): { commit: string; after: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { commit?: unknown; after?: unknown };
    if (typeof parsed.commit === "string" && typeof parsed.after === "string") return { commit: parsed.commit, after: parsed.after };
  } catch {
    // fall through
  }
  throw new CairnError("InvalidArgument", "the list cursor is not one this git store returned", { hint: "start listing again without a cursor" });
}
