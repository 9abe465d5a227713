import { createHash, randomBytes } from "node:crypto";

/**
 * Values the fault harness writes carry their own checksum, so a torn object — bytes that are
 * neither a whole old nor a whole new value (cut short, spliced, half-written) — is recognised
 * wherever it is read, without knowing what was meant to be there.
 */
export interface LedgerValue {
  /** The write that produced this value (unique per attempt). */
  id: string;
  /** The ids of every write this value descends from, oldest first, ending with `id`. */
  chain: string[];
  /** Random filler, so a value spans more than one network read and can be cut in its middle. */
  pad: string;
}

const PAD_BYTES = 3 * 1024;

export function encodeValue(id: string, chain: readonly string[]): Uint8Array {
  const value: LedgerValue = { id, chain: [...chain, id], pad: randomBytes(PAD_BYTES).toString("base64") };
  const body = JSON.stringify(value);
  return new TextEncoder().encode(JSON.stringify({ sha256: sha256(body), body }));
}

/** The value, or `torn` with why when the bytes are not exactly one whole value. */
export function decodeValue(bytes: Uint8Array): { value: LedgerValue } | { torn: string } {
  let outer: { sha256?: unknown; body?: unknown };
  try {
    outer = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as typeof outer;
  } catch (error) {
    return { torn: `not JSON (${bytes.length} bytes): ${(error as Error).message}` };
  }
  if (typeof outer.body !== "string" || typeof outer.sha256 !== "string") return { torn: "no body/sha256" };
  if (sha256(outer.body) !== outer.sha256) return { torn: "checksum mismatch" };
  return { value: JSON.parse(outer.body) as LedgerValue };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
