import { CairnError } from "../errors.js";
import type { PrunedRange } from "./history-chain.js";
import { verifyHistoryChain, type HistorySource, type HistoryVerification } from "./verify-chain.js";

/**
 * A stack's history as one JSON document (`cairn stack history export --file x.json`): every
 * record and checkpoint byte for byte (base64, uncompressed), plus the pruned range. It can be
 * verified anywhere, with no backend and no credentials (`cairn stack verify --archive x.json`).
 */
export interface HistoryArchive {
  format: typeof ARCHIVE_FORMAT;
  version: 1;
  stack: string;
  /** RFC 3339. */
  exportedAt: string;
  /** Oldest first. */
  entries: Array<{ name: string; record: string; checkpoint: string | null }>;
  orphanCheckpoints: string[];
  pruned: PrunedRange | null;
}

export const ARCHIVE_FORMAT = "cairn-history-archive";

export function historyArchiveOf(source: HistorySource, exportedAt = new Date()): HistoryArchive {
  return {
    format: ARCHIVE_FORMAT,
    version: 1,
    stack: source.stack,
    exportedAt: exportedAt.toISOString(),
    entries: source.entries.map((entry) => ({
      name: entry.name,
      record: Buffer.from(entry.record).toString("base64"),
      checkpoint: entry.checkpoint === undefined ? null : Buffer.from(entry.checkpoint).toString("base64"),
    })),
    orphanCheckpoints: source.orphanCheckpoints,
    pruned: source.pruned ?? null,
  };
}

/** Parses an archive's text and checks its chain. */
export function verifyHistoryArchive(text: string, what = "the archive"): HistoryVerification {
  let archive: Partial<HistoryArchive>;
  try {
    archive = JSON.parse(text) as Partial<HistoryArchive>;
  } catch (error) {
    throw notAnArchive(what, "it is not JSON", error);
  }
  if (archive.format !== ARCHIVE_FORMAT || archive.version !== 1 || !Array.isArray(archive.entries)) {
    throw notAnArchive(what, `its format is not ${ARCHIVE_FORMAT} version 1`);
  }
  return verifyHistoryChain({
    stack: String(archive.stack ?? "unknown"),
    entries: archive.entries.map((entry) => ({
      name: String(entry.name),
      record: Buffer.from(String(entry.record), "base64"),
      checkpoint: entry.checkpoint === null || entry.checkpoint === undefined ? undefined : Buffer.from(entry.checkpoint, "base64"),
    })),
    orphanCheckpoints: archive.orphanCheckpoints ?? [],
    ...(archive.pruned ? { pruned: archive.pruned } : {}),
  });
}

function notAnArchive(what: string, why: string, cause?: unknown): CairnError {
  return new CairnError("InvalidArgument", `${what} is not a cairn history archive: ${why}`, {
    cause,
    hint: "create one with `cairn stack history export --file <path>`",
  });
}
