/** The intra-update calls an update makes, which are counted rather than recorded one by one. */
export type UpdateCall = "checkpoints" | "journalBatches" | "eventBatches" | "leaseRenewals";

/** Updates tracked at most; an update that never completes is dropped oldest first. */
const MAX_TRACKED = 10_000;

/**
 * Counts, per update, the calls its update token made to this instance. A running update makes
 * thousands of these (a checkpoint or journal batch per resource step, events, lease renewals):
 * one audit object each would multiply the store's writes and bury the log, and their authority
 * is the update token that the recorded `update.start` issued to the recorded actor. So they are
 * summarised on the update's `update.complete` / `update.cancel` event instead. With several
 * instances behind a balancer, each counts only what it served (the event says so).
 */
export class UpdateCallCounts {
  private readonly counts = new Map<string, Record<UpdateCall, number>>();

  add(updateId: string, call: UpdateCall): void {
    let entry = this.counts.get(updateId);
    if (entry === undefined) {
      if (this.counts.size >= MAX_TRACKED) this.counts.delete(this.counts.keys().next().value as string);
      entry = { checkpoints: 0, journalBatches: 0, eventBatches: 0, leaseRenewals: 0 };
      this.counts.set(updateId, entry);
    }
    entry[call]++;
  }

  /** The counts so far, forgotten (the update is over). */
  take(updateId: string): Record<UpdateCall, number> {
    const entry = this.counts.get(updateId) ?? { checkpoints: 0, journalBatches: 0, eventBatches: 0, leaseRenewals: 0 };
    this.counts.delete(updateId);
    return entry;
  }
}
