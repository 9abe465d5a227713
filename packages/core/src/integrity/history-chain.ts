import { createHash } from "node:crypto";
import { canonicalJson } from "../json/canonical-json.js";

/**
 * Hash-chained history. Each history record cairn writes carries three extra fields (Pulumi reads
 * the record and ignores them):
 * - `checkpointSha256`: SHA-256 of the checkpoint written beside it (its uncompressed bytes),
 * - `previousSha256`: the `entrySha256` of the record before it, or the last pruned record's
 *   (from the stack's pruned-range marker); absent only on a stack's very first record,
 * - `entrySha256`: SHA-256 of the record's own canonical JSON (keys sorted, no whitespace,
 *   without this field), so a change anywhere in the newest record shows too.
 * Canonical JSON, not the file's bytes, so the chain survives re-serialisation (an archive, a
 * tool that pretty-prints) as long as the content is unchanged.
 */
export interface ChainFields {
  checkpointSha256: string;
  previousSha256?: string;
  entrySha256: string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The hash identifying a history record: of its canonical JSON without `entrySha256`. */
export function entryHash(record: Readonly<Record<string, unknown>>): string {
  const { entrySha256: _own, ...rest } = record;
  return sha256Hex(canonicalJson(rest));
}

/** Adds the chain fields to a record about to be written. */
export function sealEntry<T extends object>(record: T, checkpointBytes: Uint8Array, previousSha256: string | undefined): T & ChainFields {
  const sealed: T & Omit<ChainFields, "entrySha256"> = {
    ...record,
    checkpointSha256: sha256Hex(checkpointBytes),
    ...(previousSha256 === undefined ? {} : { previousSha256 }),
  };
  return { ...sealed, entrySha256: entryHash(sealed as Record<string, unknown>) };
}

/**
 * What `cairn stack history prune` leaves behind (`<history dir>/<stack>-pruned.json`): how many
 * of the oldest entries are gone and the hash of the last one, which the oldest kept entry's
 * `previousSha256` names. Written before anything is deleted, so an interrupted prune still
 * verifies and a re-run finishes it.
 */
export interface PrunedRange {
  prunedEntries: number;
  /** Unix seconds of the newest pruned update. */
  lastPrunedStartTime?: number;
  lastPrunedSha256: string;
  /** RFC 3339. */
  prunedAt: string;
}

export function parsePrunedRange(bytes: Uint8Array): PrunedRange | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<PrunedRange>;
    if (typeof value.lastPrunedSha256 !== "string" || typeof value.prunedEntries !== "number") return undefined;
    return value as PrunedRange;
  } catch {
    return undefined;
  }
}
