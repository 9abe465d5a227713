import { parseVersionedCheckpoint } from "../../checkpoint/versioned-checkpoint.js";
import type { Deployment } from "../../checkpoint/types.js";
import type { HistorySource } from "../../integrity/verify-chain.js";
import { canonicalJson } from "../../json/canonical-json.js";
import { renameStackInDeployment } from "../rename-urns.js";
import type { StoredStackFile } from "../files/stack-files.js";

/**
 * Every write of a stack's state is the stack file first, then its history record (Pulumi's
 * order: `saveCheckpoint`, then `addToHistory`). A process killed between the two leaves a state
 * that no history entry records, and the chain itself is intact: only comparing the stack file
 * with the newest entry's checkpoint shows it. Returns what is wrong, or undefined when the newest
 * entry records the current state (or there is no entry to compare with: a stack created without
 * history, e.g. by `stack init` or a migration without `--include-history`).
 *
 * The comparison is of the deployments (`checkpoint.latest`), not bytes: a rewrite that only
 * drops cairn's journal marker is the same state. A stack renamed since its newest entry compares
 * with that entry's deployment renamed the same way (Pulumi's rename writes no history either).
 */
export function findUnrecordedState(stored: StoredStackFile, source: HistorySource): string | undefined {
  const newest = source.entries.at(-1);
  if (newest?.checkpoint === undefined) return undefined;
  let recorded: Deployment | undefined;
  let recordedStack: string;
  try {
    const file = parseVersionedCheckpoint(newest.checkpoint, newest.name);
    recorded = file.checkpoint.latest;
    recordedStack = file.checkpoint.stack;
  } catch {
    return undefined; // an unreadable checkpoint is the chain check's to report
  }
  const current = stored.file.checkpoint.latest;
  const currentStack = stored.file.checkpoint.stack;
  if (recorded !== undefined && recordedStack !== currentStack) recorded = renamed(recorded, recordedStack, currentStack);
  if (canonicalJson(recorded ?? null) === canonicalJson(current ?? null)) return undefined;
  return (
    `the stack file ${stored.key} holds a state that no history entry records (the newest, ${newest.name}, records an earlier one): ` +
    "a write whose history record never landed (the process was killed between the two), or a change made by a tool that records no history (e.g. `pulumi state` commands)"
  );
}

/** `organization/project/name` or a legacy `name` → the rename from one to the other. */
function renamed(deployment: Deployment, from: string, to: string): Deployment {
  const [fromName, fromProject] = nameAndProject(from);
  const [toName, toProject] = nameAndProject(to);
  return renameStackInDeployment(deployment, {
    oldName: fromName,
    ...(fromProject === undefined ? {} : { oldProject: fromProject }),
    newName: toName,
    ...(toProject === undefined ? {} : { newProject: toProject }),
  });
}

function nameAndProject(qualified: string): [string, string | undefined] {
  const parts = qualified.split("/");
  return [parts.at(-1) ?? qualified, parts.length === 3 ? parts[1] : undefined];
}
