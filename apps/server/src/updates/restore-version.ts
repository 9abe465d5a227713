import type { StackId } from "../state/org-state.js";
import type { Updates } from "./updates.js";

/**
 * Rolls a stack forward to a past version: that version's checkpoint is imported as a NEW update
 * (its own version, lease and history entry), so history is never rewritten.
 * (A stand-in until `Updates.restoreVersion` lands; the console calls this one name.)
 */
export async function restoreVersion(updates: Updates, id: StackId, version: number, by: { user: string; hostname: string; pid: number }): Promise<{ updateId: string; version: number }> {
  const deployment = await updates.exportVersion(id, version);
  return updates.importState(id, deployment, by);
}
