import { randomUUID } from "node:crypto";
import type {
  BackendCapabilities,
  BeginUpdateOptions,
  JournalReport,
  UpdateSession,
  CreateStackOptions,
  RemoveStackOptions,
  SaveOptions,
  StackFilter,
  StackLock,
  StackSummary,
  StateBackend,
  UpdateRecord,
  UserInfo,
} from "../backend.js";
import { validateDeployment } from "../checkpoint/validate.js";
import { buildVersionedCheckpoint, deploymentOf, parseVersionedCheckpoint } from "../checkpoint/versioned-checkpoint.js";
import type { Checkpoint, Deployment, UntypedDeployment, VersionedCheckpoint } from "../checkpoint/types.js";
import { CairnError, type LockInfo } from "../errors.js";
import { sameStack, type StackRef } from "../stack-ref.js";
import { listAll, type StateStore } from "../store.js";
import { writeBackup } from "./files/backups.js";
import { BrokenStackError, isBrokenStackError } from "./files/broken-stack.js";
import { classifiedStore } from "../store/classified-store.js";
import { historyRecord, moveHistory, unixSeconds } from "./history/history.js";
import { historyStrategy, type HistoryStrategy } from "./history/history-strategy.js";
import { StackLocks } from "./locks/locks.js";
import { trackProcessLock, untrackProcessLock } from "./locks/process-locks.js";
import type { HeldLock } from "./locks/held-lock.js";
import { AdoptedLease, LayoutStackLock, type SaveUnder } from "./locks/stack-lock.js";
import { resolveLayoutMode } from "./files/meta.js";
import { STACKS_DIR, stackPaths, stackRefFromKey, type LayoutMode, type StackPaths } from "./files/paths.js";
import { renameStackInDeployment } from "./rename-urns.js";
import type { PreconditionProbe, PruneOptions, PruneReport, UpgradeOptions, UpgradeReport } from "../backend-reports.js";
import { upgradeLayout } from "./upgrade.js";
import type { HistoryArchive } from "../integrity/history-archive.js";
import { probeConditionalWrites } from "./precondition-probe.js";
import type { HistoryVerification } from "../integrity/verify-chain.js";
import { resolveOptions, type ResolvedOptions, type StoreBackendOptions } from "./settings.js";
import {
  readStackFile,
  retireStackFile,
  type PreviousStackFile,
  type StoredStackFile,
  type WriteStackFileOptions,
} from "./files/stack-files.js";
import { currentDeployment, listJournals, reportJournals, withJournalMark } from "./journal/journal.js";
import { entryOf, StackIndexes, summaryOf } from "./files/stack-index.js";
import { StackFiles } from "./files/stack-file-cache.js";
import { removeStackUnder, restoreStackUnder, type StackRemovalHost } from "./files/stack-removal.js";
import { recoverJournal } from "./journal/journal-recovery.js";
import { readStackTags, updateStackTags } from "./files/stack-tags.js";
import { StoreUpdateSession } from "./journal/store-session.js";
import type { HistoryFileRecord } from "./history/history.js";
import type { ListedObject } from "../store.js";


/**
 * The self-managed ("DIY") backend over any store: Pulumi's `.pulumi/` bucket layout, readable and
 * writable by Pulumi and cairn alike (see `spec/pulumi-compat.md`).
 */
export function createStoreBackend(store: StateStore, options?: StoreBackendOptions): StateBackend {
  return new StoreBackend(store, resolveOptions(options));
}

class StoreBackend implements StateBackend {
  private readonly store: StateStore;
  private readonly locks: StackLocks;
  private mode: Promise<LayoutMode> | undefined;
  private knownMode: LayoutMode | undefined;
  private readonly indexes: StackIndexes;
  /** Where stack history lives: cairn's history files, or the store's own log (git). */
  private readonly history: HistoryStrategy;
  /** The stack files: the known-key cache and fenced writes. */
  private readonly files: StackFiles;
  /** `stack rm` and `stack restore --from-backup`, run under the stack's lock. */
  private readonly removal: StackRemovalHost;
  private closed: Promise<void> | undefined;

  constructor(
    store: StateStore,
    private readonly options: ResolvedOptions,
  ) {
    this.store = classifiedStore(store);
    const { allowUnsafeLocking, leaseMs, now, logger, renewalTimer } = options;
    this.locks = new StackLocks(this.store, { allowUnsafeLocking, leaseMs, now, logger, renewalTimer });
    this.indexes = new StackIndexes(this.store, logger);
    this.files = new StackFiles(this.store, options.settings, this.indexes);
    this.history = historyStrategy(
      this.store,
      {
        requireStack: (paths) => this.requireStack(paths),
        withLock: (paths, operation, action) => this.withLock(paths, operation, action),
        writeUnderWay: (paths) => this.writeUnderWay(paths),
        recordUpdate: (paths, stackName, written, record) => this.recordUpdate(paths, stackName, written, record),
        now: () => new Date(this.options.now()),
      },
      options.settings.compression,
    );
    this.removal = {
      store: this.store,
      files: this.files,
      recordUpdate: (paths, stackName, written, record) => this.recordUpdate(paths, stackName, written, record),
    };
  }

  get url(): string {
    return this.store.url;
  }

  get credentialSource(): string | undefined {
    return this.store.credentialSource;
  }

  /** `projectScoped` is only known once the store's meta.yaml has been read (first call). */
  get capabilities(): BackendCapabilities {
    return {
      atomicLocking: this.store.capabilities.conditionalWrite,
      history: true,
      projectScoped: this.knownMode !== "legacy",
    };
  }

  async currentUser(): Promise<UserInfo> {
    // A self-managed backend has no accounts: Pulumi reports the OS user and no organizations.
    return { name: this.options.username, organizations: [] };
  }

  /** Moves a legacy store to the project-scoped layout (`cairn state upgrade`). */
  async upgradeLayout(options: UpgradeOptions = {}): Promise<UpgradeReport> {
    const report = await upgradeLayout(this.store, options);
    if (!options.dryRun) {
      this.mode = undefined; // meta.yaml changed: read it again
      this.knownMode = undefined;
    }
    return report;
  }

  async verify(): Promise<void> {
    await this.layoutMode();
  }

  /**
   * One listing of the stack files, then per project one read of its stack index; only stacks
   * whose index entry was not built from the listed file are read (see `stack-index.ts`).
   */
  async listStacks(filter: StackFilter = {}): Promise<StackSummary[]> {
    const summaries = await this.listStacksOfProject(filter);
    if (filter.tagName === undefined && filter.tagValue === undefined) return summaries;
    // As Pulumi's DIY ListStacks: a second pass reading each stack's tags file.
    const mode = await this.layoutMode();
    const matching: StackSummary[] = [];
    for (const summary of summaries) {
      const tags = await readStackTags(this.store, stackPaths(mode, summary.ref)).catch(() => undefined); // unreadable tags: not a match, as in Pulumi
      if (tags === undefined) continue;
      const matches =
        filter.tagName !== undefined
          ? Object.hasOwn(tags, filter.tagName) && (filter.tagValue === undefined || tags[filter.tagName] === filter.tagValue)
          : Object.values(tags).includes(filter.tagValue!);
      if (matches) matching.push(summary);
    }
    return matching;
  }

  async getStackTags(ref: StackRef): Promise<Record<string, string>> {
    const paths = await this.pathsOf(ref);
    await this.requireStack(paths);
    return readStackTags(this.store, paths);
  }

  async updateStackTags(ref: StackRef, change: (tags: Record<string, string>) => Record<string, string>): Promise<Record<string, string>> {
    const paths = await this.pathsOf(ref);
    await this.requireStack(paths);
    return updateStackTags(this.store, paths, change);
  }

  private async listStacksOfProject(filter: StackFilter): Promise<StackSummary[]> {
    const mode = await this.layoutMode();
    const files = new Map<string, { ref: StackRef; object: ListedObject }>();
    for (const object of await listAll(this.store, `${STACKS_DIR}/`)) {
      const ref = stackRefFromKey(mode, object.key);
      // Legacy stacks have no project, so a project filter cannot exclude them (as in Pulumi).
      if (ref === undefined || (filter.project !== undefined && ref.project !== undefined && ref.project !== filter.project)) continue;
      const id = `${ref.project ?? ""}/${ref.name}`;
      const other = files.get(id);
      // Several suffixes of one stack (a crash mid compression switch): the newest wins, as in Pulumi.
      if (other === undefined || (object.modified?.getTime() ?? 0) > (other.object.modified?.getTime() ?? 0)) files.set(id, { ref, object });
    }
    if (!this.options.stackIndex || mode === "legacy") {
      const summaries: StackSummary[] = [];
      for (const { ref } of files.values()) {
        const stored = await readStackFile(this.store, stackPaths(mode, ref)).catch(brokenSummary(ref));
        if (stored === undefined) continue;
        summaries.push("ref" in stored ? stored : summarize(ref, stored));
      }
      return summaries;
    }
    const groups = new Map<string, Array<{ ref: StackRef; object: ListedObject }>>();
    for (const file of files.values()) {
      const indexKey = stackPaths(mode, file.ref).indexKey!;
      groups.set(indexKey, [...(groups.get(indexKey) ?? []), file]);
    }
    return this.indexes.summarize(groups);
  }

  /** A broken stack exists: its summary says so (`broken`) instead of throwing. */
  async getStack(ref: StackRef): Promise<StackSummary | undefined> {
    const stored = await this.readStack(await this.pathsOf(ref)).catch(brokenSummary(ref));
    if (stored === undefined || "ref" in stored) return stored;
    return summarize(ref, stored);
  }

  async createStack(ref: StackRef, options: CreateStackOptions = {}): Promise<StackSummary> {
    const initial = options.initialDeployment === undefined ? undefined : validateDeployment(options.initialDeployment);
    const paths = await this.pathsOf(ref);
    return this.withLock(paths, "create", async (lock) => {
      if ((await this.readStack(paths)) !== undefined) {
        throw new CairnError("AlreadyExists", `stack ${paths.qualifiedName} already exists`, {
          hint: "choose another name, or select the existing stack",
        });
      }
      // What Pulumi's CreateStack writes: the checkpoint naming the stack (version 0, no deployment),
      // or the initial deployment when one is given.
      await this.files.write(lock, paths, buildVersionedCheckpoint(paths.qualifiedName, initial), null);
      return { ref, resourceCount: initial === undefined ? 0 : resourcesOf(initial.deployment as Deployment).length };
    });
  }

  async removeStack(ref: StackRef, options: RemoveStackOptions = {}): Promise<void> {
    const paths = await this.pathsOf(ref);
    await this.withLock(paths, "remove", (lock) => removeStackUnder(this.removal, lock, paths, ref, options));
  }

  /**
   * Puts the stack file's `.bak` (the state before its last write) back as the stack file, for a
   * stack whose file is broken or was removed by `stack rm` (which leaves the `.bak`). An intact
   * stack is refused: rolling it back is `stack export --version` and `stack import`. Recorded in
   * history as an import whose message names the backup.
   */
  async restoreStackFromBackup(ref: StackRef): Promise<{ backup: string }> {
    const paths = await this.pathsOf(ref);
    return this.withLock(paths, "restore", (lock) => restoreStackUnder(this.removal, lock, paths, ref));
  }

  async renameStack(ref: StackRef, to: StackRef): Promise<void> {
    if (sameStack(ref, to)) return;
    const mode = await this.layoutMode();
    const from = stackPaths(mode, ref);
    const target = stackPaths(mode, to);
    await this.withLock(from, "rename", async (lock) => {
      const stored = await this.requireStack(from);
      if ((await this.readStack(target)) !== undefined) {
        throw new CairnError("AlreadyExists", `cannot rename ${from.qualifiedName}: a stack named ${target.qualifiedName} already exists`, {
          hint: "choose another name, or remove that stack first",
        });
      }
      // A journal belongs to the old name's update: the renamed file must not claim one.
      const { checkpoint } = withJournalMark(stored.file, undefined);
      const renamed: Checkpoint = { ...checkpoint, stack: target.qualifiedName };
      if (checkpoint.latest !== undefined) {
        renamed.latest = renameStackInDeployment(checkpoint.latest, {
          oldName: ref.name,
          // Legacy references carry no project; their URNs do, and any project matches.
          ...(mode === "project" && ref.project !== undefined ? { oldProject: ref.project } : {}),
          newName: to.name,
          ...(mode === "project" && to.project !== undefined ? { newProject: to.project } : {}),
        });
      }
      const file: VersionedCheckpoint = { ...stored.file, checkpoint: renamed };
      await this.files.write(lock, target, file, null);
      await retireStackFile(this.store, from, stored);
      await this.files.forget(from, ref.name);
      await moveHistory(this.store, from, target, ref.name, to.name);
    });
  }

  async exportDeployment(ref: StackRef, options: { version?: number } = {}): Promise<UntypedDeployment> {
    const paths = await this.pathsOf(ref);
    const stored = await this.requireStack(paths);
    // An update that crashed left steps after the last compacted checkpoint: replay them.
    if (options.version === undefined) return currentDeployment(this.store, paths, stored);
    const bytes = await this.history.checkpoint(paths, options.version);
    if (bytes === undefined) {
      throw new CairnError("NotFound", `stack ${paths.qualifiedName} has no update version ${options.version}`, {
        hint: "`cairn stack history` lists the versions",
      });
    }
    return deploymentOf(parseVersionedCheckpoint(bytes, `version ${options.version} of ${paths.qualifiedName}`));
  }

  async importDeployment(ref: StackRef, deployment: UntypedDeployment, options: SaveOptions = {}): Promise<void> {
    // Validate before touching the store: a bad document must leave nothing behind.
    const validated = validateDeployment(deployment);
    const paths = await this.pathsOf(ref);
    await this.withLock(paths, options.record?.kind ?? options.kind ?? "import", (lock) => this.saveDeployment(lock, paths, ref, validated, options));
  }

  /**
   * One save of a validated deployment, with its history record: under `lock` (fenced by it), or
   * under a lease held outside this backend (`adoptLease`: fenced by the caller's `beforeWrite`).
   */
  private async saveDeployment(lock: HeldLock | undefined, paths: StackPaths, ref: StackRef, validated: UntypedDeployment, options: SaveOptions): Promise<void> {
    const kind = options.record?.kind ?? options.kind ?? "import";
    const startTime = options.record?.startTime ?? unixSeconds();
    // The update's record, made once the stack file is written (its end time is then).
    const record = () => historyRecord({ kind, startTime, message: options.record?.message ?? options.message ?? "", result: options.record?.result ?? "succeeded", endTime: options.record?.endTime ?? unixSeconds() });
    const found = await this.requireStack(paths).catch((error: unknown) => {
      if (isBrokenStackError(error) && options.replaceBroken) return error;
      if (isBrokenStackError(error)) {
        throw new CairnError(error.code, error.message, { cause: error, hint: `${error.broken.hint} (an import replaces a broken stack only with --force)` });
      }
      throw error;
    });
    await options.beforeWrite?.();
    if (found instanceof BrokenStackError) {
      // Over a broken file: fenced on it, and no `.bak` of it (the `.bak` keeps the last good state).
      const file = buildVersionedCheckpoint(paths.qualifiedName, validated);
      const written = await this.files.write(lock, paths, file, { key: found.stored.key, version: found.stored.version }, { backup: false, index: true });
      await this.recordUpdate(paths, ref.name, written, record());
      return;
    }
    const stored = found;
    const file = buildVersionedCheckpoint(paths.qualifiedName, validated, stored.file.checkpoint.config);
    // Fenced on what the lock holder last saw: if the stack changed since it locked, someone
    // else wrote it (after taking over an expired lease) and this write must not land.
    const expected: PreviousStackFile | null =
      lock?.stackFile === undefined || (lock.stackFile !== null && lock.stackFile.key === stored.key && lock.stackFile.version === stored.version)
        ? { key: stored.key, version: stored.version, bytes: stored.bytes } // the bytes just read: `.bak` needs no second read
        : lock.stackFile;
    const written = await this.files.write(lock, paths, file, expected);
    await this.recordUpdate(paths, ref.name, written, record());
  }

  /** Saves through a lock handle: validated first, as `importDeployment`, so a bad document changes nothing. */
  private saverFor(ref: StackRef): SaveUnder {
    return async (lock, deployment, options) => {
      const validated = validateDeployment(deployment);
      await this.saveDeployment(lock, await this.pathsOf(ref), ref, validated, options);
    };
  }

  async listHistory(ref: StackRef, options: { limit?: number } = {}): Promise<UpdateRecord[]> {
    return this.history.list(await this.pathsOf(ref), options.limit);
  }

  async verifyHistory(ref: StackRef): Promise<HistoryVerification> {
    return this.history.verify(await this.pathsOf(ref));
  }

  /**
   * Records the stack file's current state in history when `verifyHistory` found it unrecorded
   * (a write whose history record never landed): an entry of the interrupted update, as failed,
   * like a recovered journal. Returns whether it recorded one; changes nothing otherwise.
   */
  async repairHistory(ref: StackRef): Promise<boolean> {
    return this.history.repair(await this.pathsOf(ref), ref.name);
  }

  /** A lock is held or a journal is open: an update may be between its stack-file write and its record. */
  private async writeUnderWay(paths: StackPaths): Promise<boolean> {
    if ((await this.locks.holders(paths.lockDir)).length > 0) return true;
    return (await listJournals(this.store, paths)).length > 0;
  }

  async pruneHistory(ref: StackRef, options: PruneOptions): Promise<PruneReport> {
    return this.history.prune(await this.pathsOf(ref), options);
  }

  async exportHistoryArchive(ref: StackRef): Promise<HistoryArchive> {
    return this.history.archive(await this.pathsOf(ref));
  }

  probePreconditions(): Promise<PreconditionProbe> {
    return probeConditionalWrites(this.store);
  }

  async lockStack(ref: StackRef, operation: string): Promise<StackLock> {
    const paths = await this.pathsOf(ref);
    const lock = await this.acquire(paths, operation);
    try {
      // What this holder sees now is what its saves are fenced on.
      // A broken file is fenced on as found, so `import --force` under this lock can replace it.
      const stored = await this.readStack(paths).catch((error: unknown) => {
        if (isBrokenStackError(error)) return error.stored;
        throw error;
      });
      lock.stackFile = stored === undefined ? null : { key: stored.key, version: stored.version };
    } catch (error) {
      await lock.release();
      throw error;
    }
    return new LayoutStackLock(lock, this.saverFor(ref));
  }

  /** A lease the caller holds outside the layout (cairn-server's): see `StateBackend.adoptLease`. */
  adoptLease(ref: StackRef, holder: LockInfo): StackLock {
    return new AdoptedLease(holder, `${ref.project === undefined ? "" : `${ref.project}/`}${ref.name}`, this.saverFor(ref));
  }

  async getLock(ref: StackRef): Promise<LockInfo[]> {
    return this.locks.holders((await this.pathsOf(ref)).lockDir);
  }

  async forceUnlock(ref: StackRef): Promise<LockInfo[]> {
    const paths = await this.pathsOf(ref);
    const holders = await this.locks.breakAll(paths.lockDir);
    const journal = await this.inspectJournal(ref);
    if (journal?.replayable) {
      // The crashed update's steps go into a plain stack file now, so Pulumi (which refuses the
      // marked file and ignores journals) can use the stack again with nothing lost.
      const lock = await this.acquire(paths, "recover");
      try {
        const recovered = await this.recoverJournal(lock, paths, ref, await this.requireStack(paths));
        this.options.logger.warn(
          `warning: stack ${paths.qualifiedName} had an unfinished ${journal.kind ?? "update"} (${journal.update}): recovered ${recovered.steps} journaled steps into the stack file`,
        );
      } finally {
        await lock.release();
      }
    }
    return holders;
  }

  /** Journal recovery under `lock` (see `journal-recovery.ts`). */
  private recoverJournal(lock: HeldLock, paths: StackPaths, ref: StackRef, stored: StoredStackFile): Promise<{ base: StoredStackFile; steps: number }> {
    const host = { store: this.store, files: this.files, recordUpdate: this.recordUpdate.bind(this) };
    return recoverJournal(host, lock, paths, ref.name, stored);
  }

  async inspectJournal(ref: StackRef): Promise<JournalReport | undefined> {
    const paths = await this.pathsOf(ref);
    const stored = await this.readStack(paths).catch((error: unknown) => {
      // Nothing can be replayed onto a broken file; `stack unlock --force` must still work on it.
      if (isBrokenStackError(error)) return null;
      throw error;
    });
    if (stored === null) return undefined;
    return reportJournals(stored, await listJournals(this.store, paths));
  }

  /**
   * Takes the lock, brings the stack file up to date with any journal a crashed update left (and
   * records that update as failed), then starts journaling the new update.
   */
  async beginUpdate(ref: StackRef, kind: string, options: BeginUpdateOptions = {}): Promise<UpdateSession> {
    const paths = await this.pathsOf(ref);
    const lock = await this.acquire(paths, kind);
    try {
      const stored = await this.requireStack(paths);
      lock.stackFile = { key: stored.key, version: stored.version };
      const { base } = await this.recoverJournal(lock, paths, ref, stored);
      const host = {
        store: this.store,
        paths,
        lock,
        compaction: this.options.compaction,
        write: (file: VersionedCheckpoint, previous: PreviousStackFile, writeOptions: WriteStackFileOptions) => this.files.write(lock, paths, file, previous, writeOptions),
        recordUpdate: (written: { key: string; version: string; bytes: Uint8Array }, record: HistoryFileRecord) => this.recordUpdate(paths, ref.name, written, record),
      };
      return await StoreUpdateSession.start(host, randomUUID(), kind, base, unixSeconds(), options.message);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Idempotent: the store is closed once, however often this is called (see `StateStore.close`). */
  close(): Promise<void> {
    this.closed ??= this.store.close();
    return this.closed;
  }

  private lockInfo(operation: string): LockInfo {
    const { pid, username, hostname } = this.options;
    return { pid, username, hostname, timestamp: new Date().toISOString(), operation };
  }

  private async acquire(paths: StackPaths, operation: string): Promise<HeldLock> {
    // Tracked from the start, so an interrupted process can release it (`releaseProcessLocks`).
    const lock: HeldLock = await trackProcessLock(
      this.locks.acquire(paths.lockDir, paths.qualifiedName, this.lockInfo(operation), () => untrackProcessLock(lock)),
    );
    return lock;
  }

  private async withLock<T>(paths: StackPaths, operation: string, action: (lock: HeldLock) => Promise<T>): Promise<T> {
    const lock = await this.acquire(paths, operation);
    try {
      return await action(lock);
    } finally {
      await lock.release();
    }
  }

  /** History (unless the store keeps its own) and backup for an update's final stack file. */
  private async recordUpdate(paths: StackPaths, stackName: string, written: { key: string; bytes: Uint8Array }, record: HistoryFileRecord): Promise<void> {
    await this.history.append(paths, stackName, record, written.bytes);
    await writeBackup(this.store, paths, written.key, written.bytes, this.options.settings);
  }

  private readStack(paths: StackPaths): Promise<StoredStackFile | undefined> {
    return this.files.read(paths);
  }

  private requireStack(paths: StackPaths): Promise<StoredStackFile> {
    return this.files.require(paths);
  }

  private async pathsOf(ref: StackRef): Promise<StackPaths> {
    return stackPaths(await this.layoutMode(), ref);
  }

  /** Read (or, for an empty store, decided and written) once per backend instance. */
  private layoutMode(): Promise<LayoutMode> {
    this.mode ??= resolveLayoutMode(this.store, this.options.settings).then(
      (mode) => (this.knownMode = mode),
      (error: unknown) => {
        this.mode = undefined; // a transient failure must not stick
        throw error;
      },
    );
    return this.mode;
  }
}

/** For `.catch`: a broken stack file becomes a summary saying so; anything else is rethrown. */
function brokenSummary(ref: StackRef): (error: unknown) => StackSummary {
  return (error) => {
    if (isBrokenStackError(error)) return { ref, broken: error.broken };
    throw error;
  };
}

/** A stack's summary from its file: the same builder the stack index's entries go through. */
function summarize(ref: StackRef, stored: StoredStackFile): StackSummary {
  return summaryOf(ref, entryOf(stored));
}

function resourcesOf(deployment: Deployment | undefined): NonNullable<Deployment["resources"]> {
  return deployment?.resources ?? [];
}
