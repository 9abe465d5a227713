import { randomBytes } from "node:crypto";
import type { UntypedDeployment } from "@cairn/core";
import { type JournalEntry } from "../journal/entries.js";
import { JournalReplayer, type ReplayOptions } from "../journal/replay.js";
import { RECORD_KEYS } from "../records/keys.js";
import type { StackSealedRecords } from "../records/stack-sealed-records.js";
import type { StackId } from "../state/org-state.js";

/**
 * The journal of a running update, as the Pulumi CLI sends it (`PATCH …/journalentries`, batches
 * in parallel). Each entry is durable before its request is answered: requests that arrive while
 * a write is in flight are committed together in the next write (group commit), so the store sees
 * one create-only object per group, not per entry, and O(n) bytes per update. The stack's
 * checkpoint is not touched while the update runs; completing (or recovering after a crash)
 * replays every entry, in sequence order, onto it — entries refer to earlier ones by operation ID,
 * so the journal is compacted once, at the end, under the stack's fenced write.
 */
export class UpdateJournal {
  /** Per update: the entries waiting for the next write, and the write in flight. */
  private readonly groups = new Map<string, { waiting: Array<{ entries: JournalEntry[]; done: (error?: unknown) => void }>; writing: boolean }>();

  constructor(private readonly sealed: StackSealedRecords) {}

  /** Resolves once `entries` are stored durably (with whatever arrived alongside them). */
  append(id: StackId, updateId: string, entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const key = `${id.org}/${id.project}/${id.stack}/${updateId}`;
    let group = this.groups.get(key);
    if (group === undefined) this.groups.set(key, (group = { waiting: [], writing: false }));
    const joined = group;
    const stored = new Promise<void>((resolve, reject) => joined.waiting.push({ entries, done: (error) => (error === undefined ? resolve() : reject(error)) }));
    if (!joined.writing) void this.flush(id, updateId, key, joined);
    return stored;
  }

  private async flush(id: StackId, updateId: string, key: string, group: { waiting: Array<{ entries: JournalEntry[]; done: (error?: unknown) => void }>; writing: boolean }): Promise<void> {
    group.writing = true;
    while (group.waiting.length > 0) {
      const batch = group.waiting.splice(0);
      const entries = batch.flatMap((request) => request.entries);
      const first = Math.min(...entries.map((entry) => entry.sequenceID));
      // The random suffix keeps two instances (or a retried request) from naming the same object.
      const objectKey = `${RECORD_KEYS.updateJournal(id.org, id.project, id.stack, updateId)}${String(first).padStart(12, "0")}-${randomBytes(4).toString("hex")}.json`;
      try {
        await this.sealed.create(id, objectKey, entries);
        for (const request of batch) request.done();
      } catch (error) {
        for (const request of batch) request.done(error);
      }
    }
    group.writing = false;
    this.groups.delete(key);
  }

  /** Every entry stored for the update (any order, repeats possible: the replayer sorts and dedups). */
  async entries(id: StackId, updateId: string): Promise<JournalEntry[]> {
    const objects = await this.sealed.list<JournalEntry[]>(id, RECORD_KEYS.updateJournal(id.org, id.project, id.stack, updateId));
    return objects.flatMap((object) => object.value);
  }

  async has(id: StackId, updateId: string): Promise<boolean> {
    return (await this.sealed.list<unknown>(id, RECORD_KEYS.updateJournal(id.org, id.project, id.stack, updateId))).length > 0;
  }

  /**
   * The snapshot the update's journal yields on top of `base` (the stack's checkpoint when it
   * started). A succeeded update must have every entry up to its last (a hole is refused); an
   * update that failed or died keeps what was replayable up to its first hole.
   */
  async replay(id: StackId, updateId: string, base: UntypedDeployment | undefined, succeeded: boolean, options: ReplayOptions = {}): Promise<{ deployment: UntypedDeployment; entries: number }> {
    const replayer = new JournalReplayer(base, options);
    replayer.apply(await this.entries(id, updateId));
    return { deployment: succeeded ? replayer.finalSnapshot() : replayer.snapshot(), entries: replayer.size };
  }

  async discard(id: StackId, updateId: string): Promise<void> {
    await this.sealed.deleteAll(RECORD_KEYS.updateJournal(id.org, id.project, id.stack, updateId));
  }

  async forgetStack(id: StackId): Promise<void> {
    await this.sealed.deleteAll(RECORD_KEYS.stackJournals(id.org, id.project, id.stack));
  }
}
