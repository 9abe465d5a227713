import { buildVersionedCheckpoint } from "../../checkpoint/versioned-checkpoint.js";
import type { StateStore } from "../../store.js";
import type { HeldLock } from "../locks/held-lock.js";
import { historyRecord, unixSeconds, type HistoryFileRecord } from "../history/history.js";
import { deleteJournalKeys, journalMarkOf, listJournals, planReplay, replayJournal, withJournalMark } from "./journal.js";
import type { StackPaths } from "../files/paths.js";
import type { StackFiles } from "../files/stack-file-cache.js";
import { parseStored, type StoredStackFile } from "../files/stack-files.js";

/** What recovery needs of the backend: its stack files and how it records an update. */
export interface RecoveryHost {
  store: StateStore;
  files: StackFiles;
  recordUpdate(paths: StackPaths, stackName: string, written: { key: string; bytes: Uint8Array }, record: HistoryFileRecord): Promise<void>;
}

/**
 * Brings the stack file up to date with any journal a crashed update left (recording that update
 * as failed in history) and removes every journal of the stack, replayed or obsolete. The caller
 * holds `lock`; `stored` is the stack file it read under it. Returns the stack file now current
 * and how many journaled steps were replayed into it.
 */
export async function recoverJournal(
  host: RecoveryHost,
  lock: HeldLock,
  paths: StackPaths,
  stackName: string,
  stored: StoredStackFile,
): Promise<{ base: StoredStackFile; steps: number }> {
  const { store, files } = host;
  let base = stored;
  const journals = await listJournals(store, paths);
  const plan = planReplay(base, journals);
  if (plan !== undefined) {
    const replayed = await replayJournal(store, paths, base, plan);
    const file = withJournalMark(buildVersionedCheckpoint(paths.qualifiedName, replayed.current(), base.file.checkpoint.config), undefined);
    const written = await files.write(lock, paths, file, { key: base.key, version: base.version, bytes: base.bytes });
    const header = plan.journal.header;
    const message = `interrupted: recovered ${plan.seqs.length} journaled steps (update ${plan.journal.update})`;
    await host.recordUpdate(paths, stackName, written, historyRecord({ kind: header?.kind ?? "update", startTime: header?.startTime ?? unixSeconds(), message, result: "failed" }));
    base = await parseStored(written.key, written);
  } else if (journalMarkOf(base.file) !== undefined) {
    // Marked, but nothing to replay (the journal is gone): unmark, or Pulumi refuses it forever.
    const file = withJournalMark(base.file, undefined);
    const written = await files.write(lock, paths, file, { key: base.key, version: base.version, bytes: base.bytes }, { backup: false });
    base = await parseStored(written.key, written);
  }
  // Every journal here is now either replayed or obsolete.
  await deleteJournalKeys(store, journals.flatMap((journal) => journal.keys));
  return { base, steps: plan?.seqs.length ?? 0 };
}
