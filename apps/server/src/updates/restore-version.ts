import type { StackId } from "../state/org-state.js";
import type { Requester, Updates } from "./updates.js";

/**
 * Rolls a stack forward to a past version: that version's checkpoint is imported as a NEW update
 * (its own version, lease and history entry, message `restore of version N`), so history is never
 * rewritten. The console calls this name; it is `Updates.restoreVersion`.
 */
export async function restoreVersion(updates: Updates, id: StackId, version: number, by: Requester): Promise<{ updateId: string; version: number }> {
  return updates.restoreVersion(id, version, by);
}
