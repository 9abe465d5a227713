import { isCairnError } from "@cairn/core";
import { redactUrlsIn } from "@cairn/core/driver";

/** Where commands write. Tests capture it; the binary passes process streams. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether a human is at the keyboard (prompts and progress allowed). */
  interactive: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
};

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
