import { escapeGoHtml } from "../json/go-html-escape.js";

/**
 * JSON text the way Pulumi's Go code writes checkpoint files, so files cairn writes diff cleanly
 * against files Pulumi wrote.
 *
 * What Go does that `JSON.stringify` does not: it escapes `<`, `>` and `&` as `\u003c`, `\u003e`,
 * `\u0026` and the line/paragraph separators U+2028/U+2029 (`json.Marshal`'s default HTML-safe
 * escaping), and its `Encoder` ends the document with a newline. Everything else already agrees:
 * `"key": value` separators, `{}`/`[]` for empty containers, control-character escapes, and number
 * text (Go and ECMAScript both print the shortest round-tripping float, switching to exponent form
 * at 1e21 and 1e-7).
 *
 * Which Pulumi writes what (from pulumi/pulumi's history): the checkpoint fixtures in
 * `pkg/resource/stack/testdata` were written 4-space indented with HTML escaping and a final newline
 * (the defaults here); Pulumi since 2022 (#10440) writes without HTML escaping; Pulumi since
 * May 2026 (#22245) writes DIY state files compact. Every one of these reads back identically, so
 * the options only matter for byte-for-byte comparisons.
 */
export interface JsonFormatOptions {
  /** Spaces per level; 0 writes compact JSON. Default 4 (`json.MarshalIndent(v, "", "    ")`). */
  indent?: number;
  /** Escape `<` `>` `&` U+2028 U+2029 as Go's `json.Marshal` does by default. Default true. */
  escapeHtml?: boolean;
  /** End with `\n` as Go's `json.Encoder` does. Default true (the fixtures end with one). */
  trailingNewline?: boolean;
}

export function formatJson(value: unknown, options: JsonFormatOptions = {}): string {
  const { indent = 4, escapeHtml = true, trailingNewline = true } = options;
  const text = JSON.stringify(value, null, indent > 0 ? indent : undefined);
  if (text === undefined) throw new TypeError("formatJson: value has no JSON representation");
  const escaped = escapeHtml ? escapeGoHtml(text) : text;
  return trailingNewline ? `${escaped}\n` : escaped;
}

/**
 * How Pulumi v3.274.1 writes DIY state files (stack, history, backup): compact, HTML characters as
 * they are, no final newline (`pkg/backend/diy/state.go`, `compactJSONMarshaler`).
 */
export const PULUMI_STATE_FORMAT: JsonFormatOptions = { indent: 0, escapeHtml: false, trailingNewline: false };

/** `formatJson` as UTF-8 bytes, ready for a store. */
export function formatJsonBytes(value: unknown, options?: JsonFormatOptions): Uint8Array {
  return new TextEncoder().encode(formatJson(value, options));
}
