import { escapeGoHtml } from "../json/go-html-escape.js";

/**
 * Formats JSON byte-for-byte the way Go's `json.MarshalIndent(v, "", indent)` does, so files that
 * Pulumi also writes (credentials.json, workspace settings) do not churn when cairn rewrites them:
 * no trailing newline, `{}`/`[]` for empty containers, and Go's HTML-safe string escaping
 * (`<`, `>`, `&`, U+2028, U+2029 as `\u` escapes).
 *
 * Objects are written in key order; pass a `Map` where the order matters beyond what a plain
 * object keeps (plain objects put integer-like keys first).
 */
export function formatGoJson(value: unknown, indent = "    "): string {
  return write(value, indent, "");
}

function write(value: unknown, indent: string, prefix: string): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return goJsonString(value);
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  const inner = prefix + indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => inner + write(item, indent, inner)).join(",\n")}\n${prefix}]`;
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
  const present = entries.filter(([, item]) => item !== undefined);
  if (present.length === 0) return "{}";
  const lines = present.map(([key, item]) => `${inner}${goJsonString(String(key))}: ${write(item, indent, inner)}`);
  return `{\n${lines.join(",\n")}\n${prefix}}`;
}

/** A JSON string literal with Go's escaping (JSON.stringify plus HTML-safe escapes). */
export function goJsonString(text: string): string {
  return escapeGoHtml(JSON.stringify(text));
}

/** Go sorts map keys by their UTF-8 bytes; JavaScript's default sort compares UTF-16 units. */
export function sortedByGoKeyOrder<V>(record: Readonly<Record<string, V>>): Map<string, V> {
  const keys = Object.keys(record).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return new Map(keys.map((key) => [key, record[key] as V]));
}
