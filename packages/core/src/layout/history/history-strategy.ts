import type { PruneOptions, PruneReport } from "../../backend-reports.js";
import type { UpdateRecord } from "../../backend.js";
import { CairnError } from "../../errors.js";
import { historyArchiveOf, type HistoryArchive } from "../../integrity/history-archive.js";
import { verifyHistoryChain, type HistoryVerification } from "../../integrity/verify-chain.js";
import type { StateStore } from "../../store.js";
import { appendHistory, historyRecord, readHistory, readHistoryCheckpoint, unixSeconds, type HistoryFileRecord } from "./history.js";
import { pruneHistory, readHistorySource } from "./history-integrity.js";
import { readNativeCheckpoint, readNativeHistory } from "./native-history.js";
import type { StackPaths } from "../files/paths.js";
import type { Compression } from "../files/compression.js";
import type { StoredStackFile } from "../files/stack-files.js";
import { findUnrecordedState } from "./unrecorded-state.js";

/** What a history strategy needs of the backend it serves: the stack file, its lock, the time. */
export interface HistoryHost {
  requireStack(paths: StackPaths): Promise<StoredStackFile>;
  withLock<T>(paths: StackPaths, operation: string, action: () => Promise<T>): Promise<T>;
  /** A lock is held or a journal is open: an update may be between its stack-file write and its record. */
  writeUnderWay(paths: StackPaths): Promise<boolean>;
  /** The history record and the backup of a stack file (`append` here, then the `.bak` of backups/). */
  recordUpdate(paths: StackPaths, stackName: string, written: { key: string; bytes: Uint8Array }, record: HistoryFileRecord): Promise<void>;
  now(): Date;
}

/**
 * Where a stack's history lives, decided once per backend from `capabilities.nativeHistory`: in
 * cairn's hash-chained history files beside Pulumi's (`diyHistory`), or in the store's own log
 * (`nativeHistory`, git), which cairn reads but never writes, prunes or archives.
 */
export interface HistoryStrategy {
  /** Records an update whose final stack file holds `bytes`. */
  append(paths: StackPaths, stackName: string, record: HistoryFileRecord, bytes: Uint8Array): Promise<void>;
  list(paths: StackPaths, limit?: number): Promise<UpdateRecord[]>;
  /** The checkpoint bytes of update `version`, if history keeps them. */
  checkpoint(paths: StackPaths, version: number): Promise<Uint8Array | undefined>;
  verify(paths: StackPaths): Promise<HistoryVerification>;
  /** Records an unrecorded stack file (see `StateBackend.repairHistory`); whether it did. */
  repair(paths: StackPaths, stackName: string): Promise<boolean>;
  prune(paths: StackPaths, options: PruneOptions): Promise<PruneReport>;
  archive(paths: StackPaths): Promise<HistoryArchive>;
}

export function historyStrategy(store: StateStore, host: HistoryHost, compression: Compression): HistoryStrategy {
  return store.capabilities.nativeHistory ? nativeHistory(store, host) : diyHistory(store, host, compression);
}

function diyHistory(store: StateStore, host: HistoryHost, compression: Compression): HistoryStrategy {
  return {
    append: async (paths, stackName, record, bytes) => {
      await appendHistory(store, paths, stackName, record, bytes, compression);
    },
    list: (paths, limit) => readHistory(store, paths, limit),
    checkpoint: (paths, version) => readHistoryCheckpoint(store, paths, version),
    async verify(paths) {
      const stored = await host.requireStack(paths);
      const source = await readHistorySource(store, paths);
      const report = verifyHistoryChain(source);
      if (!report.ok || (await host.writeUnderWay(paths))) return report;
      const problem = findUnrecordedState(stored, source);
      if (problem === undefined) return report;
      return { ...report, unrecorded: { entry: stored.key, problem } };
    },
    repair: (paths, stackName) =>
      host.withLock(paths, "history-repair", async () => {
        const stored = await host.requireStack(paths);
        const source = await readHistorySource(store, paths);
        if (!verifyHistoryChain(source).ok || findUnrecordedState(stored, source) === undefined) return false;
        const now = unixSeconds();
        const message = "interrupted: the stack file was written but its history record was not (recorded by `cairn stack verify --repair`)";
        await host.recordUpdate(paths, stackName, { key: stored.key, bytes: stored.bytes }, historyRecord({ kind: "update", startTime: now, message, result: "failed", endTime: now }));
        return true;
      }),
    async prune(paths, options) {
      await host.requireStack(paths);
      const prune = () => pruneHistory(store, paths, options, host.now());
      // A dry run changes nothing, so it need not wait for (or block) a running update.
      return options.dryRun ? prune() : host.withLock(paths, "history-prune", prune);
    },
    async archive(paths) {
      await host.requireStack(paths);
      return historyArchiveOf(await readHistorySource(store, paths), host.now());
    },
  };
}

function nativeHistory(store: StateStore, host: HistoryHost): HistoryStrategy {
  return {
    append: async () => {}, // the store's own log recorded the write
    list: (paths, limit) => readNativeHistory(store, paths, limit),
    checkpoint: (paths, version) => readNativeCheckpoint(store, paths, version),
    verify: async (paths) => ({ stack: paths.qualifiedName, ok: true, entries: 0, unchained: 0, native: true }),
    repair: async () => false,
    async prune(paths) {
      throw new CairnError("Unimplemented", `the history of ${paths.qualifiedName} is the store's own log (${store.url}); cairn cannot prune it`, {
        hint: "prune it with the store's own tools (for git: rewrite or squash the history)",
      });
    },
    async archive(paths) {
      await host.requireStack(paths);
      throw new CairnError("Unimplemented", `the history of ${paths.qualifiedName} is the store's own log (${store.url}); there are no history files to archive`, {
        hint: "clone or bundle the store itself (for git: `git bundle`)",
      });
    },
  };
}
