import type { JournalEntry, UpdateResult, UpdateSession } from "../../backend.js";
import { validateDeployment } from "../../checkpoint/validate.js";
import { serialQueue } from "../../concurrency/serial-queue.js";
import { buildVersionedCheckpoint, deploymentOf } from "../../checkpoint/versioned-checkpoint.js";
import type { UntypedDeployment, VersionedCheckpoint } from "../../checkpoint/types.js";
import { CairnError, type LockInfo } from "../../errors.js";
import { JournaledDeployment } from "./journal-replay.js";
import type { StateStore } from "../../store.js";
import type { HeldLock, StackFileVersion } from "../locks/held-lock.js";
import { historyRecord, type HistoryFileRecord } from "../history/history.js";
import { createJournalObject, deleteJournalKeys, encodeEntry, encodeHeader, journalEntryKey, withJournalMark, type JournalHeader } from "./journal.js";
import type { StackPaths } from "../files/paths.js";
import type { CompactionSettings } from "../settings.js";
import type { PreviousStackFile, StoredStackFile, WriteStackFileOptions } from "../files/stack-files.js";

/** What a session needs from the backend that opened it. */
export interface SessionHost {
  store: StateStore;
  paths: StackPaths;
  lock: HeldLock;
  compaction: CompactionSettings;
  /** Writes the stack file, fenced on `previous` and the lock. */
  write(file: VersionedCheckpoint, previous: PreviousStackFile, options: WriteStackFileOptions): Promise<StackFileVersion & { bytes: Uint8Array }>;
  /** History record, backup and index for the final checkpoint. */
  recordUpdate(written: StackFileVersion & { bytes: Uint8Array }, record: HistoryFileRecord): Promise<void>;
}

/**
 * An update on a store: per-step journal objects, compacted into the standard stack file
 * periodically and at the end, fenced by the stack's lease-renewed lock (see `journal.ts`).
 */
export class StoreUpdateSession implements UpdateSession {
  private state: JournaledDeployment;
  private readonly config: Record<string, unknown> | undefined;
  /** The stack file as this session last wrote it (or found it): what its next write is fenced on. */
  private last: StackFileVersion;
  private seq = 0;
  private entriesSince = 0;
  private bytesSince = 0;
  private compactedSize: number;
  private readonly queue = serialQueue();
  private broken: unknown;
  private ended = false;

  private constructor(
    private readonly host: SessionHost,
    readonly id: string,
    private readonly header: JournalHeader,
    private readonly base: StoredStackFile,
  ) {
    this.state = new JournaledDeployment(deploymentOf(base.file));
    this.config = base.file.checkpoint.config;
    this.last = { key: base.key, version: base.version };
    this.compactedSize = base.bytes.length;
  }

  /** Starts an update on `base` (the stack file as read under the lock, any older journal already replayed). */
  static async start(host: SessionHost, id: string, kind: string, base: StoredStackFile, startTime: number, message?: string): Promise<StoreUpdateSession> {
    const header: JournalHeader = { update: id, kind, base: { key: base.key, version: base.version }, startTime, ...(message === undefined ? {} : { message }) };
    await createJournalObject(host.store, journalEntryKey(host.paths, id, 0), encodeHeader(header));
    const session = new StoreUpdateSession(host, id, header, base);
    // Mark the stack file before the first step: from here until the update ends it lags the
    // journal, and the mark's feature makes Pulumi (which ignores journals) refuse to act on it.
    await session.writeCheckpoint(session.state.current(), true);
    return session;
  }

  get info(): LockInfo {
    return this.host.lock.info;
  }

  save(deployment: UntypedDeployment): Promise<void> {
    const validated = validateDeployment(deployment);
    return this.serialize(async () => {
      const next = new JournaledDeployment(validated);
      await this.writeCheckpoint(next.current(), true);
      // Only once written: a failed save leaves the session's state as the store has it.
      this.state = next;
    });
  }

  journal(entry: JournalEntry): Promise<number> {
    return this.serialize(async () => {
      this.host.lock.assertHeld();
      this.state.apply(entry); // throws on a malformed entry before anything is written
      const seq = this.seq + 1;
      const bytes = encodeEntry(seq, entry);
      try {
        await createJournalObject(this.host.store, journalEntryKey(this.host.paths, this.id, seq), bytes);
      } catch (error) {
        // The in-memory state is now ahead of the store: refuse everything but cancel.
        this.broken = error;
        throw error;
      }
      this.seq = seq;
      this.entriesSince++;
      this.bytesSince += bytes.length;
      if (this.dueForCompaction()) await this.writeCheckpoint(this.state.current(), true);
      return seq;
    });
  }

  complete(result: UpdateResult, options: { message?: string } = {}): Promise<void> {
    return this.end(async () => {
      const written = await this.writeCheckpoint(this.state.current(), false);
      await this.host.recordUpdate(written, historyRecord({ kind: this.header.kind, startTime: this.header.startTime, message: options.message ?? this.header.message ?? "", result }));
    });
  }

  cancel(): Promise<void> {
    return this.end(async () => {
      // The steps saved so far describe resources that exist: the stack file must keep them.
      if (this.entriesSince > 0) await this.writeCheckpoint(this.state.current(), false);
    });
  }

  private end(finish: () => Promise<void>): Promise<void> {
    return this.serialize(async () => {
      try {
        if (this.broken === undefined) {
          await finish();
          await deleteJournalKeys(this.host.store, Array.from({ length: this.seq + 1 }, (_, seq) => journalEntryKey(this.host.paths, this.id, seq)));
        }
        // A broken session's acknowledged steps stay journaled: the next reader replays them.
      } finally {
        await this.host.lock.release();
      }
    }, true);
  }

  /**
   * Writes the deployment as the stack file. `marked`: a compaction mid-update, naming the steps
   * it contains; unmarked: the final checkpoint (its `.bak` is the stack as the update found it).
   */
  private async writeCheckpoint(deployment: UntypedDeployment, marked: boolean) {
    const file = withJournalMark(buildVersionedCheckpoint(this.host.paths.qualifiedName, deployment, this.config), marked ? { update: this.id, seq: this.seq } : undefined);
    const previous: PreviousStackFile = marked ? this.last : { ...this.last, bytes: this.base.bytes };
    const written = await this.host.write(file, previous, { backup: !marked });
    this.last = { key: written.key, version: written.version };
    this.entriesSince = 0;
    this.bytesSince = 0;
    this.compactedSize = written.bytes.length;
    return written;
  }

  private dueForCompaction(): boolean {
    const { everyEntries, everyBytes, growth } = this.host.compaction;
    return this.entriesSince >= everyEntries || this.bytesSince >= Math.max(everyBytes, growth * this.compactedSize);
  }

  /** Steps run one at a time, in call order, so sequence numbers follow the engine's order. */
  private serialize<T>(action: () => Promise<T>, ending = false): Promise<T> {
    return this.queue(() => {
      if (this.ended) throw new CairnError("InvalidArgument", `update ${this.id} on stack ${this.host.paths.qualifiedName} has already ended`, { hint: "start another update with beginUpdate" });
      if (ending) this.ended = true;
      else if (this.broken !== undefined) throw this.broken;
      return action();
    });
  }
}

