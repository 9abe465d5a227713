import type { StateBackend } from "./backend.js";
import type { UntypedDeployment } from "./checkpoint/types.js";
import { CairnError, isCairnError } from "./errors.js";
import { canonicalJson } from "./json/canonical-json.js";
import { formatStackRef, type StackRef } from "./stack-ref.js";

/**
 * The history kind a restore is recorded as. Pulumi's `apitype.UpdateKind` has no restore kind;
 * an unknown string would still be listed by `pulumi stack history`, but every consumer that
 * switches on the kind (Pulumi Cloud's pages, cairn-server's `UPDATE_KINDS`, tools reading
 * `stack history --json`) knows `import` — Pulumi's kind for "a raw checkpoint was written as the
 * stack's state", which is exactly what a restore does. The message says it was a restore.
 */
export const RESTORE_KIND = "import";

/** The history message of a restore of `version`: what `stack history` shows. */
export function restoreMessage(version: number): string {
  return `restore of version ${version}`;
}

export interface RestoreVersionResult {
  /** The version whose deployment is now the stack's current state. */
  restored: number;
  /**
   * The history version the restore was recorded as (the newest entry right after the write), when
   * the backend numbers its history. Another writer landing in between would make it that one's.
   */
  version: number | undefined;
  /**
   * The current state already equalled version `restored`: the restore was still recorded (someone
   * asked for it, and an audit trail that skips requests is not one), and nothing else changed.
   */
  unchanged: boolean;
  /** The message recorded with the entry (`restoreMessage`). */
  message: string;
  resourceCount: number;
}

/**
 * Roll-forward restore: makes the stack's current state version `version`'s deployment (1 = the
 * oldest entry of `listHistory`), written through `importDeployment` — under the stack's lock,
 * which it takes and releases (`Locked`, naming the holder, when someone holds it) — and recorded
 * as one NEW history entry (`RESTORE_KIND`, `restoreMessage`). The entries after `version` stay as
 * they were: nothing in history is removed or rewritten, so a restore is itself undone by
 * restoring the version before it.
 *
 * Errors, each before anything is written: `InvalidArgument` for a version that is not a whole
 * number from 1 up (nothing is read either); `NotFound` for a missing stack or a version its
 * history does not have (with a hint naming `cairn stack history`); what the backend throws.
 */
export async function restoreVersion(backend: StateBackend, ref: StackRef, version: number): Promise<RestoreVersionResult> {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new CairnError("InvalidArgument", `version ${String(version)} is not a whole number from 1 up`, { hint: "give a version from `cairn stack history` (1 = the oldest update)" });
  }
  const name = formatStackRef(ref);
  if ((await backend.getStack(ref)) === undefined) {
    throw new CairnError("NotFound", `stack ${name} does not exist`, { hint: "`cairn stack ls` lists the stacks" });
  }
  const deployment = await backend.exportDeployment(ref, { version }).catch((error: unknown) => {
    if (!isCairnError(error, "NotFound")) throw error;
    throw new CairnError("NotFound", `stack ${name} has no version ${version} to restore`, { cause: error, hint: "`cairn stack history` lists the versions (1 = the oldest update)" });
  });
  const current = await backend.exportDeployment(ref);
  const message = restoreMessage(version);
  await backend.importDeployment(ref, deployment, { kind: RESTORE_KIND, message });
  const newest = (await backend.listHistory(ref, { limit: 1 }))[0];
  return {
    restored: version,
    version: newest?.version,
    unchanged: canonicalJson(current) === canonicalJson(deployment),
    message,
    resourceCount: resourcesOf(deployment),
  };
}

function resourcesOf(deployment: UntypedDeployment): number {
  const resources = (deployment.deployment as { resources?: unknown } | null | undefined)?.resources;
  return Array.isArray(resources) ? resources.length : 0;
}
