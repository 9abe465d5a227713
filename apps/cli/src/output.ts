import { isCairnError, redactUrlsIn } from "@cairn/core/driver";

import type { Output } from "./process-output.js";

// `Output` and `processOutput` live in a file that imports nothing, so `cairn version` loads no core.
export type { Output } from "./process-output.js";

export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 4));
}

/**
 * Prints an error and, for cairn's own errors, what to do next. Never prints `cause` chains. Any
 * URL in the text is redacted here too: the last line of defence for a message built from a URL
 * the user typed with credentials in it.
 */
export function printError(output: Output, error: unknown): void {
  if (isCairnError(error)) {
    output.err(`error: ${redactUrlsIn(error.message)}`);
    if (error.hint) output.err(`  ${redactUrlsIn(error.hint)}`);
    return;
  }
  output.err(`error: ${redactUrlsIn(error instanceof Error ? error.message : String(error))}`);
}

/** Renders rows as aligned columns under upper-case headers. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}
