import type { StateBackend, UpdateRecord } from "../backend.js";
import type { UntypedDeployment } from "../checkpoint/types.js";
import { CairnError } from "../errors.js";
import { formatStackRef, type StackRef } from "../stack-ref.js";
import { canonicalHash } from "../json/canonical-json.js";

export interface MigrateOptions {
  /** Copy the stack's update history too, oldest first, keeping each record's kind and times. */
  includeHistory?: boolean;
  /** Overwrite a target stack whose content differs. */
  force?: boolean;
  /** Decide and report, write nothing. */
  dryRun?: boolean;
}

export type MigrationOutcome =
  | "migrated" // the target now equals the source
  | "resumed" // an interrupted history copy was finished
  | "identical" // the target already equalled the source: nothing written
  | "would-migrate" // dry run: would create the target stack
  | "would-overwrite" // dry run: target differs; would overwrite (--force given)
  | "conflict"; // dry run: target differs and --force was not given

export interface MigrationResult {
  stack: string;
  outcome: MigrationOutcome;
  /** SHA-256 of the canonical JSON of the source export (equal on the target once migrated). */
  hash: string;
  bytes: number;
  /** History entries copied in this run. */
  historyCopied: number;
}

/**
 * Moves one stack between any two backends through `StateBackend` alone. The source is locked for
 * the whole copy and never written. Without history the target is created with the deployment in
 * one atomic write; with history every past update is replayed in order. Re-running is safe: an
 * identical target is skipped, an interrupted history copy resumes where it stopped, and a target
 * that differs in any other way is never overwritten without `force`. The result is verified by
 * comparing canonical hashes of both exports; a mismatch rolls the target back.
 */
export async function migrateStack(source: StateBackend, target: StateBackend, ref: StackRef, options: MigrateOptions = {}): Promise<MigrationResult> {
  const name = formatStackRef(ref);
  const lock = options.dryRun ? undefined : await source.lockStack(ref, "migrate");
  try {
    const deployment = await source.exportDeployment(ref);
    const { hash, bytes } = canonicalHash(deployment);
    const result = (outcome: MigrationOutcome, historyCopied = 0): MigrationResult => ({ stack: name, outcome, hash, bytes, historyCopied });
    // Oldest first. An update still in progress (on the service, the lock this migration holds is
    // one) has no checkpoint to copy.
    const history = options.includeHistory ? (await source.listHistory(ref)).reverse().filter((record) => record.result !== "in-progress") : [];

    const existing = (await target.getStack(ref)) === undefined ? undefined : await target.exportDeployment(ref);
    const resumeFrom = existing === undefined ? 0 : await resumablePrefix(source, target, ref, history, existing);
    // Same current state: nothing to do. (History is not compared here: stores with native
    // history, like git, record it their own way, one entry per write.)
    if (existing !== undefined && canonicalHash(existing).hash === hash) return result("identical");
    const overwriting = existing !== undefined && resumeFrom === undefined;
    if (overwriting && !options.force) {
      if (options.dryRun) return result("conflict");
      throw new CairnError("AlreadyExists", `stack ${name} already exists on the target with different content`, {
        hint: "nothing was written; pass --force to overwrite it with the source's state",
      });
    }
    if (options.dryRun) return result(overwriting ? "would-overwrite" : "would-migrate");

    const created = existing === undefined;
    let copied = 0;
    if (history.length > 0) {
      if (created) await target.createStack(ref);
      for (const [index, record] of history.entries()) {
        if (!overwriting && index < (resumeFrom ?? 0)) continue;
        const past = await source.exportDeployment(ref, { version: versionOf(record, index) });
        await target.importDeployment(ref, past, { record: historyRecord(record) });
        copied++;
      }
      // State saved after the last recorded update (e.g. an import without history) comes last.
      if (canonicalHash(await target.exportDeployment(ref)).hash !== hash) await target.importDeployment(ref, deployment, { kind: "migrate" });
    } else if (created) {
      await target.createStack(ref, { initialDeployment: deployment });
    } else {
      await target.importDeployment(ref, deployment, { kind: "migrate" });
    }

    const written = canonicalHash(await target.exportDeployment(ref));
    if (written.hash !== hash) {
      await rollBack(target, ref, created ? undefined : existing);
      throw new CairnError("Internal", `verification failed for ${name}: target hash ${written.hash} differs from source ${hash}; the target was rolled back`, {
        hint: "the target backend did not store the deployment faithfully; report this with both backends' URLs",
      });
    }
    return result(resumeFrom !== undefined && resumeFrom > 0 ? "resumed" : "migrated", copied);
  } finally {
    await lock?.release();
  }
}

/**
 * How many of the source's history entries the target already holds, if the target is an
 * interrupted copy of this source: its history is a prefix of the source's (same deployments in
 * the same order) and its current state is that prefix's last state (or empty). Otherwise
 * undefined: the target is something else and must not be overwritten silently.
 */
async function resumablePrefix(source: StateBackend, target: StateBackend, ref: StackRef, sourceHistory: UpdateRecord[], current: UntypedDeployment): Promise<number | undefined> {
  if (sourceHistory.length === 0) return undefined;
  const targetHistory = (await target.listHistory(ref)).reverse();
  if (targetHistory.length > sourceHistory.length) return undefined;
  let last: string | undefined;
  for (const [index, record] of targetHistory.entries()) {
    last = canonicalHash(await target.exportDeployment(ref, { version: versionOf(record, index) })).hash;
    const sourceRecord = sourceHistory[index] as UpdateRecord;
    if (last !== canonicalHash(await source.exportDeployment(ref, { version: versionOf(sourceRecord, index) })).hash) return undefined;
  }
  const currentHash = canonicalHash(current).hash;
  if (last !== undefined) return currentHash === last ? targetHistory.length : undefined;
  return isEmpty(current) ? 0 : undefined;
}

/** The version `exportDeployment` takes for a history record: its own, else its position (oldest = 1). */
function versionOf(record: UpdateRecord, index: number): number {
  return typeof record.version === "number" && record.version > 0 ? record.version : index + 1;
}

function isEmpty(deployment: UntypedDeployment): boolean {
  const resources = (deployment.deployment as { resources?: unknown[] }).resources;
  return resources === undefined || resources.length === 0;
}

function historyRecord(record: UpdateRecord): NonNullable<import("../backend.js").SaveOptions["record"]> {
  return { kind: record.kind, startTime: record.startTime, endTime: record.endTime, result: record.result, ...(typeof record.message === "string" ? { message: record.message } : {}) };
}

async function rollBack(target: StateBackend, ref: StackRef, previous: UntypedDeployment | undefined): Promise<void> {
  if (previous === undefined) await target.removeStack(ref, { force: true, removeBackups: true });
  else await target.importDeployment(ref, previous, { kind: "migrate-rollback" });
}
