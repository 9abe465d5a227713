import type { CairnError } from "@cairn/core";

/**
 * Applies a change that may take an admin away (a demotion, a removal) so that at least one admin
 * is always left: refuse when the change would leave none, and because the records have no
 * multi-record transaction, count again after the change and undo it when a concurrent change
 * (two admins demoting each other at once) left none. At rest there is always an admin; the
 * losing side of a race is told to try again.
 */
export async function keepingOneAdmin(options: {
  /** Whether the subject is an admin now (if not, the change cannot lower the count). */
  isAdmin: () => Promise<boolean>;
  countAdmins: () => Promise<number>;
  change: () => Promise<void>;
  undo: () => Promise<void>;
  /** The error when the subject is the last admin. */
  lastAdmin: () => CairnError;
  /** The error when a concurrent change made this one unsafe (after the undo). */
  raced: () => CairnError;
}): Promise<void> {
  const wasAdmin = await options.isAdmin();
  if (wasAdmin && (await options.countAdmins()) <= 1) throw options.lastAdmin();
  await options.change();
  if (wasAdmin && (await options.countAdmins()) === 0) {
    await options.undo();
    throw options.raced();
  }
}
