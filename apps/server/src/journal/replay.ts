import { CairnError, canonicalJson, type Deployment, type UntypedDeployment } from "@cairn/core";
import type { JournalEntry } from "./entries.js";
import { ReplayState, type DeploymentBody, type ReplayOptions } from "./replay-state.js";

export type { ReplayOptions } from "./replay-state.js";

/**
 * Rebuilds an update's snapshot from the journal entries the Pulumi CLI sends, exactly as Pulumi's
 * own replay does (`pkg/backend/journal.go`), for a server that receives them in parallel batches.
 *
 * Pulumi numbers an update's entries 1, 2, 3, … (`sequenceID`) and replay applies them in that
 * order. Batches may arrive in any order and more than once: a repeat of an entry already held is
 * ignored when its content is the same and refused when it is not. `apply` only stores (cheap, per
 * batch); `snapshot` applies, onto the running state, the entries that continue the applied run
 * without a hole — an entry after a hole may address a resource the missing one produced, so it
 * waits until the hole is filled. Every entry is applied once, in order: O(n) for the whole
 * journal, plus O(size of the snapshot) per snapshot.
 *
 * Pure: no I/O; nothing the caller passes in is modified, nothing returned is shared.
 */
export class JournalReplayer {
  private readonly entries = new Map<number, JournalEntry>();
  private readonly state: ReplayState;
  /** Entries 1..applied are applied to `state`. */
  private applied = 0;

  /**
   * @param base the stack's deployment when the update started (an untyped deployment as
   *   exported, or its `deployment` body); absent for a stack without one.
   */
  constructor(base: UntypedDeployment | Deployment | undefined | null, options: ReplayOptions = {}) {
    this.state = new ReplayState(deploymentBody(base), options);
  }

  /** Holds a batch. Atomic: a conflicting duplicate refuses the whole batch and holds none of it. */
  apply(entries: Iterable<JournalEntry>): void {
    const batch = new Map<number, JournalEntry>();
    for (const entry of entries) {
      const held = batch.get(entry.sequenceID) ?? this.entries.get(entry.sequenceID);
      if (held === undefined) batch.set(entry.sequenceID, entry);
      else if (canonicalJson(held) !== canonicalJson(entry)) {
        throw new CairnError("Conflict", `journal entry ${entry.sequenceID} was already received with different content`, {
          hint: "a client may resend an entry (a retried batch), but never change one; this journal cannot be trusted",
        });
      }
    }
    for (const [sequenceID, entry] of batch) if (!this.entries.has(sequenceID)) this.entries.set(sequenceID, structuredClone(entry));
  }

  /**
   * The snapshot as of the entries held without a hole (1..n): what a reader sees mid-update, and
   * what a failed update leaves. Throws when an entry cannot be replayed (it stays held, and the
   * state stays as before it).
   */
  snapshot(): UntypedDeployment {
    for (let next = this.entries.get(this.applied + 1); next !== undefined; next = this.entries.get(this.applied + 1)) {
      this.state.add(next);
      this.applied++;
    }
    return this.state.generate();
  }

  /** The snapshot of the whole journal: refused while any entry below the highest held is missing. */
  finalSnapshot(): UntypedDeployment {
    const missing = this.missingSequenceIDs();
    if (missing.length > 0) {
      throw new CairnError("InvalidArgument", `journal entries ${missing.join(", ")}${missing.length === MISSING_LIMIT ? ", …" : ""} have not arrived, but later ones have`, {
        hint: "every journalentries batch the client sent must be stored before the update completes",
      });
    }
    return this.snapshot();
  }

  /** How many distinct entries are held. */
  get size(): number {
    return this.entries.size;
  }

  /** How many entries are applied (1..n); the rest wait for a hole to be filled. */
  get appliedCount(): number {
    return this.applied;
  }

  /**
   * Sequence IDs below the highest held that have not arrived (at most the first 100). Empty once
   * every batch sent has arrived; at complete, anything else means lost entries.
   */
  missingSequenceIDs(): number[] {
    const later = [...this.entries.keys()].filter((sequenceID) => sequenceID > this.applied).sort((a, b) => a - b);
    const missing: number[] = [];
    let expected = this.applied + 1;
    for (const sequenceID of later) {
      while (expected < sequenceID && missing.length < MISSING_LIMIT) missing.push(expected++);
      if (missing.length === MISSING_LIMIT) break;
      expected = sequenceID + 1;
    }
    return missing;
  }
}

const MISSING_LIMIT = 100;

/** Replays a whole journal (any order, repeats allowed; no holes) onto `base`: the snapshot Pulumi's replay yields. */
export function replayJournal(base: UntypedDeployment | Deployment | undefined | null, entries: Iterable<JournalEntry>, options: ReplayOptions = {}): UntypedDeployment {
  const replayer = new JournalReplayer(base, options);
  replayer.apply(entries);
  return replayer.finalSnapshot();
}

function deploymentBody(base: UntypedDeployment | Deployment | undefined | null): DeploymentBody {
  if (base === undefined || base === null) return {};
  if (typeof (base as UntypedDeployment).version === "number" && typeof (base as UntypedDeployment).deployment === "object") {
    return ((base as UntypedDeployment).deployment ?? {}) as DeploymentBody;
  }
  return base as DeploymentBody;
}
