import type { PrunedRange } from "./integrity/history-chain.js";

/**
 * The option and report types of `StateBackend`'s maintenance calls and of its stack summaries,
 * beside the contract (`backend.ts`) rather than in the layout code that implements them — so the
 * contract imports nothing from its implementation.
 */

/** `upgradeLayout`: moves a legacy store to the project-scoped layout (`cairn state upgrade`). */
export interface UpgradeOptions {
  /** The project of a stack whose state does not say (no resources), by stack name. */
  projects?: Readonly<Record<string, string>>;
  /** Plan only: report what would move, write nothing. */
  dryRun?: boolean;
}

export interface UpgradedStack {
  stack: string;
  project: string;
  from: string;
  to: string;
}

export interface UpgradeReport {
  /** The store was already project-scoped: nothing to do. */
  alreadyUpgraded: boolean;
  stacks: UpgradedStack[];
}

/** `pruneHistory` (`cairn stack history prune`). */
export interface PruneOptions {
  /** Keep this many of the newest entries. */
  keep?: number;
  /** Remove entries whose update started before this time. */
  olderThan?: Date;
  /** Report what would be removed; change nothing. */
  dryRun?: boolean;
}

export interface PruneReport {
  stack: string;
  /** File names of the records removed (or that would be), oldest first. */
  removed: string[];
  kept: number;
  dryRun: boolean;
  pruned?: PrunedRange;
}

/** `probePreconditions`: whether the store really refuses a second create-only write. */
export interface PreconditionProbe {
  /** The store refused the second create-only write, as it must. */
  honoured: boolean;
  /** Why not, in words a user can act on. */
  reason?: string;
}

/**
 * A stack whose file is there but cannot be read as a checkpoint (not JSON, not a checkpoint,
 * a bad gzip/zstd stream): what `stack ls` shows for it and what every other command's error says.
 * Pulumi fails every `stack ls` of the backend on one such file; cairn lists the rest and marks
 * this one, so one bad file never hides the others.
 */
export interface BrokenStack {
  /** The stack file's key. */
  file: string;
  /** What is wrong with it. Never quotes the file's bytes (a stack file holds secrets). */
  reason: string;
  /** `<file>.bak` when it holds a readable checkpoint: the state before the last write. */
  backup?: string;
  /** What to do next: the exact commands that restore, replace or remove the stack. */
  hint: string;
}
