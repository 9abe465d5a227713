import { entryHash, sha256Hex, type PrunedRange } from "./history-chain.js";

/** A stack's history as verification sees it, whether read from a store or from an archive. */
export interface HistoryEntrySource {
  /** The record's file name (`dev-1712345678901234567.history.json`). */
  name: string;
  /** The record's uncompressed bytes. */
  record: Uint8Array;
  /** The checkpoint written beside it, uncompressed; undefined when that object is missing. */
  checkpoint: Uint8Array | undefined;
}

export interface HistorySource {
  stack: string;
  /** Oldest first. */
  entries: HistoryEntrySource[];
  /** Checkpoint objects with no record beside them (their record was deleted). */
  orphanCheckpoints: string[];
  pruned?: PrunedRange;
}

export interface ChainBreak {
  /** 1 = the oldest entry present. */
  position: number;
  entry: string;
  problem: string;
}

export interface HistoryVerification {
  stack: string;
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** Entries written without the chain fields (by Pulumi, or before cairn chained history). */
  unchained: number;
  pruned?: PrunedRange;
  /** The first break found, naming the entry. */
  break?: ChainBreak;
  /** History kept by the store itself (git): there is no chain to check. */
  native?: boolean;
  /**
   * The chain is intact, but the stack file's current state is not the one its newest entry
   * records (see `layout/history/unrecorded-state.ts`). A warning, not a break: the state itself is whole,
   * and Pulumi's own `state` commands write it that way routinely; a writer killed between its
   * two writes leaves the same. `stack verify --repair` records it.
   */
  unrecorded?: { entry: string; problem: string };
}

/**
 * Walks the history oldest first and reports the first break: a record that is not JSON or was
 * changed, a record that does not follow the one before it (deleted, altered or reordered), a
 * missing checkpoint object, or a checkpoint whose bytes changed.
 */
export function verifyHistoryChain(source: HistorySource): HistoryVerification {
  const report: HistoryVerification = { stack: source.stack, ok: true, entries: 0, unchained: 0, ...(source.pruned ? { pruned: source.pruned } : {}) };
  const fail = (position: number, entry: string, problem: string): HistoryVerification => ({ ...report, ok: false, break: { position, entry, problem } });

  let entries = source.entries;
  // Entries a prune declared gone but had not deleted yet (it was interrupted) are skipped.
  const boundary = source.pruned === undefined ? -1 : entries.findIndex((entry) => hashOf(entry) === source.pruned?.lastPrunedSha256);
  if (boundary >= 0) entries = entries.slice(boundary + 1);

  let previous: string | undefined = source.pruned?.lastPrunedSha256;
  let previousName = source.pruned === undefined ? undefined : `the pruned range (${source.pruned.prunedEntries} entries)`;
  for (const [index, entry] of entries.entries()) {
    const position = index + 1;
    const label = `history entry ${position} (${entry.name})`;
    report.entries = position;
    let record: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(entry.record));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      record = parsed as Record<string, unknown>;
    } catch {
      return fail(position, entry.name, `${label} is not a valid JSON history record`);
    }
    const hash = entryHash(record);
    if (entry.checkpoint === undefined) return fail(position, entry.name, `${label}: its checkpoint object is missing`);
    if (typeof record.checkpointSha256 !== "string") {
      report.unchained++;
    } else {
      if (record.entrySha256 !== hash) return fail(position, entry.name, `${label} was modified: its content hashes to ${short(hash)}, but it was written as ${short(String(record.entrySha256))}`);
      if (typeof record.previousSha256 !== "string") {
        if (previousName !== undefined) return fail(position, entry.name, `${label} was written as a stack's first entry but comes after ${previousName}: entries were reordered or mixed in`);
      } else if (previous === undefined) {
        return fail(position, entry.name, `${label} follows an entry that is missing (expected one hashing to ${short(record.previousSha256)}) and no pruned range accounts for it: an entry was deleted`);
      } else if (record.previousSha256 !== previous) {
        return fail(position, entry.name, `${label} does not follow ${previousName}: it names ${short(record.previousSha256)} as its predecessor, but that entry hashes to ${short(previous)} (an entry was deleted, changed or reordered)`);
      }
      const checkpointHash = sha256Hex(entry.checkpoint);
      if (checkpointHash !== record.checkpointSha256) {
        return fail(position, entry.name, `${label}: its checkpoint was modified (hashes to ${short(checkpointHash)}, recorded ${short(record.checkpointSha256)})`);
      }
    }
    previous = hash;
    previousName = label;
  }
  const orphan = source.orphanCheckpoints[0];
  if (orphan !== undefined) return fail(entries.length + 1, orphan, `checkpoint ${orphan} has no history record beside it: its record was deleted`);
  return report;
}

function hashOf(entry: HistoryEntrySource): string | undefined {
  try {
    return entryHash(JSON.parse(new TextDecoder().decode(entry.record)) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

function short(hash: string): string {
  return hash.slice(0, 12);
}
