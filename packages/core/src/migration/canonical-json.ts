import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted and no whitespace: two documents with the same content have the
 * same bytes, whatever order or indentation a backend wrote them in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => [key, sortKeys(record[key])]),
  );
}

/** SHA-256 (hex) of the canonical JSON: the verification hash `stack migrate` prints. */
export function canonicalHash(value: unknown): { hash: string; bytes: number } {
  const text = canonicalJson(value);
  return { hash: createHash("sha256").update(text).digest("hex"), bytes: Buffer.byteLength(text) };
}
