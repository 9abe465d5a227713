import type { JournalEntry, JournalReport } from "../../backend.js";
import { deploymentOf } from "../../checkpoint/versioned-checkpoint.js";
import { CAIRN_JOURNAL_FEATURE, CURRENT_DEPLOYMENT_VERSION, type Checkpoint, type UntypedDeployment, type VersionedCheckpoint } from "../../checkpoint/types.js";
import { CairnError, isCairnError } from "../../errors.js";
import { JournaledDeployment } from "./journal-replay.js";
import { listAll, type StateStore } from "../../store.js";
import { mapLimit } from "../../concurrency/map-limit.js";
import type { StackFileVersion } from "../locks/held-lock.js";
import { deleteIfPresent } from "../files/objects.js";
import type { StackPaths } from "../files/paths.js";
import type { StoredStackFile } from "../files/stack-files.js";

/**
 * Journaled updates on a store. Each step of an update is one small object,
 * `.pulumi/cairn-journal/<project>/<stack>/<update-id>/<seq>.json`, written with a conditional
 * create; seq 0 is the update's header, naming the stack file version the update started from.
 *
 * A compacted stack file carries `checkpoint.cairnJournal = { update, seq }`: the steps of that
 * update it already contains (Pulumi's Go structs ignore the extra field, and a stack file Pulumi
 * rewrites simply loses it). A journal is replayed onto the stack file only when the file is still
 * the one the update left: it names the update (replay the steps after `seq`), or it is still the
 * exact version the header started from (replay every step). Any other stack file was written
 * after the update ended (its final checkpoint, an import, Pulumi): the journal is obsolete.
 */

export const JOURNAL_MARK_FIELD = "cairnJournal";

export interface JournalMark {
  update: string;
  /** The last step contained in the stack file. */
  seq: number;
}

export interface JournalHeader {
  update: string;
  kind: string;
  /** The stack file the update started from. */
  base: StackFileVersion;
  /** Unix seconds. */
  startTime: number;
  message?: string;
}

/** What one journal object holds. */
interface JournalRecord {
  seq: number;
  entry: JournalEntry;
}

/** Sequence numbers are zero-padded so a listing returns them in order. */
export function journalEntryKey(paths: StackPaths, update: string, seq: number): string {
  return `${paths.journalDir}/${update}/${String(seq).padStart(10, "0")}.json`;
}

export function encodeHeader(header: JournalHeader): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(header));
}

export function encodeEntry(seq: number, entry: JournalEntry): Uint8Array {
  const record: JournalRecord = { seq, entry };
  return new TextEncoder().encode(JSON.stringify(record));
}

/**
 * Writes a journal object that must not exist yet (two writers of one update would collide here).
 * The key names this update's random id and the step's seq, and only this session writes them, so
 * finding exactly these bytes there after a lost answer is this write (`bytesIdentifyWrite`).
 */
export async function createJournalObject(store: StateStore, key: string, bytes: Uint8Array): Promise<void> {
  try {
    await store.put(key, bytes, store.capabilities.conditionalWrite ? { ifNoneMatch: "*", bytesIdentifyWrite: true } : {});
  } catch (error) {
    if (!isCairnError(error, "Conflict")) throw error;
    throw new CairnError("Conflict", `journal object ${key} already exists: another writer is using this update`, {
      cause: error,
      hint: "start a new update (`beginUpdate`); only one session may write an update's journal",
    });
  }
}

export function journalMarkOf(file: VersionedCheckpoint): JournalMark | undefined {
  const mark = (file.checkpoint as Checkpoint)[JOURNAL_MARK_FIELD] as Partial<JournalMark> | undefined;
  return typeof mark?.update === "string" && typeof mark.seq === "number" ? { update: mark.update, seq: mark.seq } : undefined;
}

/**
 * The checkpoint with the mark set (or, with `undefined`, removed), fields otherwise unchanged. A
 * marked file also lists `CAIRN_JOURNAL_FEATURE` (as version 4), so Pulumi refuses to load it.
 */
export function withJournalMark<T extends VersionedCheckpoint>(file: T, mark: JournalMark | undefined): T {
  const { [JOURNAL_MARK_FIELD]: _previous, ...checkpoint } = file.checkpoint as Checkpoint;
  const otherFeatures = (file.features ?? []).filter((feature) => feature !== CAIRN_JOURNAL_FEATURE);
  if (mark === undefined) {
    const { features: _features, ...rest } = file;
    if (otherFeatures.length > 0) return { ...rest, features: otherFeatures, checkpoint } as T;
    // Only the marker needed version 4: without it the file is the version 3 cairn writes.
    return { ...rest, version: rest.version === 4 ? CURRENT_DEPLOYMENT_VERSION : rest.version, checkpoint } as T;
  }
  return { ...file, version: 4, features: [...otherFeatures, CAIRN_JOURNAL_FEATURE], checkpoint: { ...checkpoint, [JOURNAL_MARK_FIELD]: mark } };
}

/** One update's journal as listed: its header (when readable) and the sequence numbers present. */
export interface ListedJournal {
  update: string;
  header: JournalHeader | undefined;
  /** Every object key of the update (header included), for cleanup. */
  keys: string[];
  seqs: number[];
}

/** The stack's journals: one listing, plus one read per update directory for its header. */
export async function listJournals(store: StateStore, paths: StackPaths): Promise<ListedJournal[]> {
  const prefix = `${paths.journalDir}/`;
  const byUpdate = new Map<string, { keys: string[]; seqs: number[] }>();
  for (const object of await listAll(store, prefix)) {
    const [update, file, ...rest] = object.key.slice(prefix.length).split("/");
    const seq = Number(file?.replace(/\.json$/, ""));
    if (update === undefined || rest.length > 0 || !Number.isInteger(seq)) continue;
    const group = byUpdate.get(update) ?? { keys: [], seqs: [] };
    group.keys.push(object.key);
    group.seqs.push(seq);
    byUpdate.set(update, group);
  }
  return mapLimit([...byUpdate], 8, async ([update, group]) => {
    const found = group.seqs.includes(0) ? await store.get(journalEntryKey(paths, update, 0)) : undefined;
    let header: JournalHeader | undefined;
    try {
      header = found === undefined ? undefined : (JSON.parse(new TextDecoder().decode(found.bytes)) as JournalHeader);
    } catch {
      header = undefined; // unreadable: never replayed, removed by the next update
    }
    return { update, header, keys: group.keys, seqs: group.seqs.sort((a, b) => a - b) };
  });
}

/** Which journal (if any) applies to the stack file, and the steps it adds. */
export interface ReplayPlan {
  journal: ListedJournal;
  /** The contiguous steps after the stack file's mark (a gap means nothing after it was acknowledged). */
  seqs: number[];
}

export function planReplay(stored: StoredStackFile, journals: readonly ListedJournal[]): ReplayPlan | undefined {
  const mark = journalMarkOf(stored.file);
  for (const journal of journals) {
    let after: number | undefined;
    if (mark !== undefined && mark.update === journal.update) after = mark.seq;
    else if (journal.header?.base.key === stored.key && journal.header.base.version === stored.version) after = 0;
    if (after === undefined) continue;
    const present = new Set(journal.seqs);
    const seqs: number[] = [];
    for (let seq = after + 1; present.has(seq); seq++) seqs.push(seq);
    return { journal, seqs };
  }
  return undefined;
}

/** Reads the plan's steps and applies them to the stack file's deployment. */
export async function replayJournal(store: StateStore, paths: StackPaths, stored: StoredStackFile, plan: ReplayPlan): Promise<JournaledDeployment> {
  const state = new JournaledDeployment(deploymentOf(stored.file));
  const records = await mapLimit(plan.seqs, 16, async (seq) => {
    const key = journalEntryKey(paths, plan.journal.update, seq);
    const found = await store.get(key);
    if (found === undefined) throw new CairnError("Internal", `journal object ${key} disappeared while it was being replayed`, { hint: "retry: another process may be finishing the update" });
    return JSON.parse(new TextDecoder().decode(found.bytes)) as JournalRecord;
  });
  for (const record of records) state.apply(record.entry);
  return state;
}

/** The stack's deployment with any crashed update's journal replayed (what every reader returns). */
export async function currentDeployment(store: StateStore, paths: StackPaths, stored: StoredStackFile): Promise<UntypedDeployment> {
  const plan = planReplay(stored, await listJournals(store, paths));
  if (plan === undefined || plan.seqs.length === 0) return deploymentOf(stored.file);
  return (await replayJournal(store, paths, stored, plan)).current();
}

/** What `force-unlock` reports about a journal left behind. */
export function reportJournals(stored: StoredStackFile | undefined, journals: readonly ListedJournal[]): JournalReport | undefined {
  const plan = stored === undefined ? undefined : planReplay(stored, journals);
  if (plan !== undefined) {
    const kind = plan.journal.header?.kind;
    return { update: plan.journal.update, ...(kind === undefined ? {} : { kind }), pendingEntries: plan.seqs.length, replayable: true };
  }
  const first = journals[0];
  if (first === undefined) return undefined;
  const kind = first.header?.kind;
  return { update: first.update, ...(kind === undefined ? {} : { kind }), pendingEntries: first.seqs.filter((seq) => seq > 0).length, replayable: false };
}

/** Deletes journal objects (an ended or obsolete update), a few at a time. */
export async function deleteJournalKeys(store: StateStore, keys: readonly string[]): Promise<void> {
  await mapLimit(keys, 16, (key) => deleteIfPresent(store, key));
}
