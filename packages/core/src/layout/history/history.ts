import { formatJsonBytes, PULUMI_STATE_FORMAT } from "../../checkpoint/json-format.js";
import type { UpdateRecord } from "../../backend.js";
import { listAll, type StateStore } from "../../store.js";
import { compress, compressionSuffix, decompress, type Compression } from "../files/compression.js";
import { baseName, copyObject, deleteIfPresent } from "../files/objects.js";
import type { StackPaths } from "../files/paths.js";
import { unixNanos } from "../files/unix-nanos.js";
import { entryHash, parsePrunedRange, sealEntry, type PrunedRange } from "../../integrity/history-chain.js";

/**
 * One update as Pulumi records it in `<stack>-<unix nanos>.history.json` (`backend.UpdateInfo`
 * in `pkg/backend/updates.go`), fields in its order. Times are Unix seconds. Pulumi leaves
 * `version` 0 in self-managed history; `environment` and `config` are maps it always writes.
 */
export interface HistoryFileRecord {
  kind: string;
  startTime: number;
  message: string;
  environment: Record<string, string>;
  config: Record<string, unknown>;
  version: number;
  result: "succeeded" | "failed" | "in-progress";
  endTime: number;
  resourceChanges?: Record<string, number>;
}

/** Unix seconds now, the unit of a history record's times. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A history record as cairn writes one: the fields Pulumi's `UpdateInfo` has that a self-managed
 * backend leaves empty (`environment`, `config`, `version` 0) filled in, once. `endTime` defaults to
 * now, `result` to `succeeded`.
 */
export function historyRecord(fields: Pick<HistoryFileRecord, "kind" | "startTime" | "message"> & Partial<Pick<HistoryFileRecord, "result" | "endTime">>): HistoryFileRecord {
  return { kind: fields.kind, startTime: fields.startTime, message: fields.message, environment: {}, config: {}, version: 0, result: fields.result ?? "succeeded", endTime: fields.endTime ?? unixSeconds() };
}

const HISTORY_SUFFIXES = [".history.json", ".history.json.gz", ".history.json.zst"];

/**
 * Adds an update to the stack's history (Pulumi's `addToHistory`): the record, and beside it under
 * the same `<stack>-<unix nanos>` prefix a `.checkpoint.json` copy of the stack file as it stands
 * after the update. The record is chained to the one before it (see `integrity/history-chain.ts`).
 * Returns the record's key.
 */
export async function appendHistory(
  store: StateStore,
  paths: StackPaths,
  stackName: string,
  record: HistoryFileRecord,
  stackFileBytes: Uint8Array,
  compression: Compression,
): Promise<string> {
  const prefix = `${paths.historyDir}/${stackName}-${unixNanos()}`;
  const extension = `json${compressionSuffix(compression)}`;
  const recordKey = `${prefix}.history.${extension}`;
  const sealed = sealEntry(record, await decompress(stackFileBytes, recordKey), await lastEntryHash(store, paths));
  // The checkpoint first: a record is only ever listed once what it vouches for exists.
  await store.put(`${prefix}.checkpoint.${extension}`, stackFileBytes);
  await store.put(recordKey, await compress(formatJsonBytes(sealed, PULUMI_STATE_FORMAT), compression));
  return recordKey;
}

/** What the next record's `previousSha256` names: the newest record, else the pruned range's last. */
async function lastEntryHash(store: StateStore, paths: StackPaths): Promise<string | undefined> {
  const newest = (await historyRecordKeys(store, paths)).at(-1);
  if (newest !== undefined) {
    const found = await store.get(newest);
    if (found !== undefined) {
      try {
        return entryHash(JSON.parse(new TextDecoder().decode(await decompress(found.bytes, newest))) as Record<string, unknown>);
      } catch {
        // An unreadable newest record: chain to nothing; `verify` reports the damage there.
      }
    }
  }
  return (await readPrunedRange(store, paths))?.lastPrunedSha256;
}

/** `<history dir>/<stack>-pruned.json`: named like the history files so a rename moves it along. */
export function prunedRangeKey(paths: StackPaths): string {
  return `${paths.historyDir}/${baseName(paths.stackBase)}-pruned.json`;
}

export async function readPrunedRange(store: StateStore, paths: StackPaths): Promise<PrunedRange | undefined> {
  const found = await store.get(prunedRangeKey(paths));
  return found === undefined ? undefined : parsePrunedRange(found.bytes);
}

/** The checkpoint key written beside a history record key. */
export function checkpointKeyOf(recordKey: string): string {
  return recordKey.replace(/\.history\.json(\.gz|\.zst)?$/, ".checkpoint.json$1");
}

/** The keys of the stack's history records, oldest first (file names sort by their unix nanos). */
export async function historyRecordKeys(store: StateStore, paths: StackPaths): Promise<string[]> {
  return (await listAll(store, `${paths.historyDir}/`))
    .map((object) => object.key)
    .filter((key) => HISTORY_SUFFIXES.some((suffix) => key.endsWith(suffix)));
}

/**
 * The stack file as it stood after update `version` (1 = oldest): the `.checkpoint.json` written
 * beside that history record. Undefined when there is no such update.
 */
export async function readHistoryCheckpoint(store: StateStore, paths: StackPaths, version: number): Promise<Uint8Array | undefined> {
  const recordKey = (await historyRecordKeys(store, paths))[version - 1];
  if (recordKey === undefined) return undefined;
  const checkpointKey = checkpointKeyOf(recordKey);
  const found = await store.get(checkpointKey);
  return found === undefined ? undefined : await decompress(found.bytes, checkpointKey);
}

/** The stack's updates, newest first (file names sort oldest first). */
export async function readHistory(store: StateStore, paths: StackPaths, limit?: number): Promise<UpdateRecord[]> {
  const recordKeys = await historyRecordKeys(store, paths);
  const total = recordKeys.length;
  const newestFirst = recordKeys.reverse().slice(0, limit ?? total);
  const records: UpdateRecord[] = [];
  for (const [index, key] of newestFirst.entries()) {
    const found = await store.get(key);
    if (found === undefined) continue;
    const record = JSON.parse(new TextDecoder().decode(await decompress(found.bytes, key))) as HistoryFileRecord;
    // Pulumi writes version 0 here; number the records by position (oldest = 1) so callers can
    // tell them apart, keeping a version the file does carry.
    records.push({ ...record, version: record.version > 0 ? record.version : total - index });
  }
  return records;
}

/**
 * Moves history files to a renamed stack (Pulumi's `renameHistory`): `<old>-<nanos>.…` becomes
 * `<new>-<nanos>.…`; files not following that pattern are left alone.
 */
export async function moveHistory(store: StateStore, from: StackPaths, to: StackPaths, oldName: string, newName: string): Promise<void> {
  for (const object of await listAll(store, `${from.historyDir}/`)) {
    const fileName = baseName(object.key);
    const dash = fileName.lastIndexOf("-");
    if (dash === -1 || fileName.slice(0, dash) !== oldName) continue;
    await copyObject(store, object.key, `${to.historyDir}/${newName}${fileName.slice(dash)}`);
    await deleteIfPresent(store, object.key);
  }
}
