import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted and no whitespace: two documents with the same content have the
 * same bytes, whatever order or indentation a backend wrote them in. The one canonical form for
 * every comparison and hash of JSON content (history chain, stack migrate, secrets providers,
 * journal entries resent to the server, conformance assertions). Keys are sorted by UTF-16 units
 * (a plain sort); members whose value is `undefined` are left out, as JSON leaves them; `undefined`
 * itself is `null`.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortedMembers) ?? "null";
}

/** A `JSON.stringify` replacer: every object (after its `toJSON`) with its members in key order. */
function sortedMembers(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}

/** SHA-256 (hex) of the canonical JSON: the verification hash `stack migrate` prints. */
export function canonicalHash(value: unknown): { hash: string; bytes: number } {
  const text = canonicalJson(value);
  return { hash: createHash("sha256").update(text).digest("hex"), bytes: Buffer.byteLength(text) };
}
