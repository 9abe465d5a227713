import { formatJsonBytes } from "../../checkpoint/json-format.js";
import { CairnError } from "../../errors.js";
import { entryHash, type PrunedRange } from "../../integrity/history-chain.js";
import type { HistorySource } from "../../integrity/verify-chain.js";
import { listAll, type StateStore } from "../../store.js";
import { decompress } from "../files/compression.js";
import { checkpointKeyOf, historyRecordKeys, prunedRangeKey, readPrunedRange } from "./history.js";
import { baseName, deleteIfPresent } from "../files/objects.js";
import type { StackPaths } from "../files/paths.js";
import type { PruneOptions, PruneReport } from "../../backend-reports.js";

const CHECKPOINT_SUFFIX = /\.checkpoint\.json(\.gz|\.zst)?$/;

/** Reads a stack's history files (records, checkpoints, pruned range) for verification or export. */
export async function readHistorySource(store: StateStore, paths: StackPaths): Promise<HistorySource> {
  const recordKeys = await historyRecordKeys(store, paths);
  const withRecord = new Set(recordKeys.map(checkpointKeyOf));
  const orphanCheckpoints = (await listAll(store, `${paths.historyDir}/`))
    .map((object) => object.key)
    .filter((key) => CHECKPOINT_SUFFIX.test(key) && !withRecord.has(key))
    .map(baseName);
  const entries: HistorySource["entries"] = [];
  for (const key of recordKeys) {
    const record = await store.get(key);
    if (record === undefined) continue; // deleted between list and get: the chain shows the gap
    const checkpointKey = checkpointKeyOf(key);
    const checkpoint = await store.get(checkpointKey);
    entries.push({
      name: baseName(key),
      record: await decompress(record.bytes, key),
      checkpoint: checkpoint === undefined ? undefined : await decompress(checkpoint.bytes, checkpointKey),
    });
  }
  const pruned = await readPrunedRange(store, paths);
  return { stack: paths.qualifiedName, entries, orphanCheckpoints, ...(pruned ? { pruned } : {}) };
}



/**
 * Removes the oldest history entries — always a prefix, so what is kept stays one unbroken chain —
 * and records the pruned range the oldest kept entry's `previousSha256` points into. The marker
 * is written first: an interrupted prune leaves a history that still verifies, and re-running
 * finishes the deletes.
 */
export async function pruneHistory(store: StateStore, paths: StackPaths, options: PruneOptions, now: Date): Promise<PruneReport> {
  if ((options.keep === undefined) === (options.olderThan === undefined)) {
    throw new CairnError("InvalidArgument", "prune needs exactly one of keep or olderThan", { hint: "pass --keep N or --older-than DURATION (e.g. 30d)" });
  }
  if (options.keep !== undefined && (!Number.isInteger(options.keep) || options.keep < 0)) {
    throw new CairnError("InvalidArgument", `keep must be a whole number of entries, got ${options.keep}`, { hint: "pass --keep 10, for example" });
  }
  const recordKeys = await historyRecordKeys(store, paths);
  const records: Array<{ key: string; record: Record<string, unknown> }> = [];
  for (const key of recordKeys) {
    const found = await store.get(key);
    if (found === undefined) continue;
    records.push({ key, record: JSON.parse(new TextDecoder().decode(await decompress(found.bytes, key))) as Record<string, unknown> });
  }
  const existing = await readPrunedRange(store, paths);
  // An interrupted earlier prune: its declared entries go first, whatever the new limit says.
  const pending = existing === undefined ? -1 : records.findIndex(({ record }) => entryHash(record) === existing.lastPrunedSha256);
  let count = pending + 1;
  if (options.keep !== undefined) count = Math.max(count, records.length - options.keep);
  if (options.olderThan !== undefined) {
    const cutoff = options.olderThan.getTime() / 1000;
    while (count < records.length && Number(records[count]?.record.startTime) < cutoff) count++;
  }
  const doomed = records.slice(0, count);
  const report: PruneReport = { stack: paths.qualifiedName, removed: doomed.map(({ key }) => baseName(key)), kept: records.length - count, dryRun: Boolean(options.dryRun) };
  const last = doomed.at(-1);
  if (last === undefined) return existing ? { ...report, pruned: existing } : report;
  const newlyPruned = count - (pending + 1);
  const range: PrunedRange = {
    prunedEntries: (existing?.prunedEntries ?? 0) + newlyPruned,
    ...(typeof last.record.startTime === "number" ? { lastPrunedStartTime: last.record.startTime } : {}),
    lastPrunedSha256: entryHash(last.record),
    prunedAt: now.toISOString(),
  };
  if (options.dryRun) return { ...report, pruned: range };
  await store.put(prunedRangeKey(paths), formatJsonBytes(range));
  for (const { key } of doomed) {
    await deleteIfPresent(store, key);
    await deleteIfPresent(store, checkpointKeyOf(key));
  }
  return { ...report, pruned: range };
}
