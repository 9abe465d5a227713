import { CairnError, type Deployment, type UntypedDeployment } from "@cairn/core";
import type { JournalEntry } from "./entries.js";
import { ReplayState, type DeploymentBody, type ReplayOptions } from "./replay-state.js";

export type { ReplayOptions } from "./replay-state.js";

/**
 * Rebuilds an update's snapshot from the journal entries the Pulumi CLI sends, exactly as Pulumi's
 * own replay does (`pkg/backend/journal.go`), for a server that receives them in parallel batches.
 *
 * Entries may arrive in any order and more than once: they are applied in `sequenceID` order, a
 * repeat of an entry already held is ignored when its content is the same and refused when it is
 * not. `apply` only stores (cheap, per batch); `snapshot` applies what arrived since the last
 * call, in order, onto the running state — unless something arrived that belongs before an entry
 * already applied, in which case it replays everything from the base again. Either way a snapshot
 * costs O(k log k) for the k entries it applies plus O(size of the snapshot).
 *
 * Pure: no I/O; nothing the caller passes in is modified, nothing returned is shared.
 */
export class JournalReplayer {
  private readonly base: DeploymentBody;
  private readonly entries = new Map<number, JournalEntry>();
  /** Sequence IDs held but not yet applied to `state`. */
  private unapplied: number[] = [];
  private state: ReplayState;
  private lastApplied = 0;

  /**
   * @param base the stack's deployment when the update started (an untyped deployment as
   *   exported, or its `deployment` body); absent for a stack without one.
   */
  constructor(
    base: UntypedDeployment | Deployment | undefined | null,
    private readonly options: ReplayOptions = {},
  ) {
    this.base = structuredClone(deploymentBody(base));
    this.state = new ReplayState(this.base, options);
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
    for (const [sequenceID, entry] of batch) {
      if (this.entries.has(sequenceID)) continue; // an identical repeat
      this.entries.set(sequenceID, structuredClone(entry));
      this.unapplied.push(sequenceID);
    }
  }

  /** The snapshot as of every entry held. Throws when an entry cannot be replayed (it stays held). */
  snapshot(): UntypedDeployment {
    if (this.unapplied.length > 0) {
      this.unapplied.sort((a, b) => a - b);
      if ((this.unapplied[0] as number) < this.lastApplied) {
        // A late entry that belongs before ones already applied: start over from the base.
        this.state = new ReplayState(this.base, this.options);
        this.lastApplied = 0;
        this.unapplied = [...this.entries.keys()].sort((a, b) => a - b);
      }
      let applied = 0;
      try {
        for (const sequenceID of this.unapplied) {
          this.state.add(this.entries.get(sequenceID) as JournalEntry);
          this.lastApplied = sequenceID;
          applied++;
        }
      } finally {
        this.unapplied = this.unapplied.slice(applied);
      }
    }
    return this.state.generate();
  }

  /** How many distinct entries are held. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Sequence IDs below the highest held that have not arrived (Pulumi numbers entries 1, 2, 3, …
   * per update). Empty once every batch sent has arrived; at complete, anything else means lost
   * entries.
   */
  missingSequenceIDs(): number[] {
    const missing: number[] = [];
    let highest = 0;
    for (const sequenceID of this.entries.keys()) if (sequenceID > highest) highest = sequenceID;
    for (let sequenceID = 1; sequenceID < highest; sequenceID++) if (!this.entries.has(sequenceID)) missing.push(sequenceID);
    return missing;
  }
}

/** Replays `entries` (any order, repeats allowed) onto `base`: the snapshot Pulumi's replay yields. */
export function replayJournal(base: UntypedDeployment | Deployment | undefined | null, entries: Iterable<JournalEntry>, options: ReplayOptions = {}): UntypedDeployment {
  const replayer = new JournalReplayer(base, options);
  replayer.apply(entries);
  return replayer.snapshot();
}

function deploymentBody(base: UntypedDeployment | Deployment | undefined | null): DeploymentBody {
  if (base === undefined || base === null) return {};
  if (typeof (base as UntypedDeployment).version === "number" && typeof (base as UntypedDeployment).deployment === "object") {
    return ((base as UntypedDeployment).deployment ?? {}) as DeploymentBody;
  }
  return base as DeploymentBody;
}

/** JSON with object keys sorted, so two decodings of the same entry compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner !== "object" || inner === null || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
