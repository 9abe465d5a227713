import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CellResult } from "./fault-cell.js";

/** Where each store's results are written: `<tmp>/cairn-faults/<store>.json`. */
export const REPORT_DIR = join(tmpdir(), "cairn-faults");

const COLUMNS = ["store", "fault", "requests", "faults", "checks ok", "race ok", "writes", "acked", "lost", "false confl.", "maybe (raw)", "torn", "orphan locks", "other err.", "s"] as const;

export function tableRow(cell: CellResult): string[] {
  const injected = Object.values(cell.proxy.faults).reduce((sum, n) => sum + n, 0);
  return [
    cell.store,
    cell.fault,
    String(cell.proxy.requests),
    String(injected),
    `${cell.conformance.passed}/${cell.conformance.run}`,
    `${cell.lockRace.passed}/${cell.lockRace.run}`,
    String(cell.ledger.writes),
    String(cell.ledger.acked),
    String(cell.ledger.lost.length),
    String(cell.ledger.falseConflicts.length),
    String(cell.ledger.ambiguousTold),
    String(cell.ledger.torn.length),
    String(cell.ledger.orphanedLocks),
    String(cell.ledger.otherErrors),
    (cell.ms / 1000).toFixed(1),
  ];
}

/** A Markdown table (it reads as plain text too). */
export function formatTable(cells: readonly CellResult[]): string {
  const rows = [COLUMNS as readonly string[], ...cells.map(tableRow)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

/** Prints the table and the details worth reading (failed checks, false conflicts, samples), and writes the JSON. */
export function report(store: string, cells: readonly CellResult[]): string {
  mkdirSync(REPORT_DIR, { recursive: true });
  const file = join(REPORT_DIR, `${store}.json`);
  writeFileSync(file, `${JSON.stringify(cells, null, 2)}\n`);
  const details: string[] = [];
  for (const cell of cells) {
    const lines = [
      ...cell.conformance.failures.map((failure) => `check failed [${failure.kind}] ${failure.check}: ${failure.message}`),
      ...cell.lockRace.failures.map((failure) => `lock race failed [${failure.kind}]: ${failure.message}`),
      ...cell.ledger.incomplete.map((entry) => `INCOMPLETE: ${entry}`),
      ...cell.ledger.lost.map((entry) => `LOST: ${entry}`),
      ...cell.ledger.torn.map((entry) => `TORN: ${entry}`),
      ...[...new Set(cell.ledger.falseConflicts)].map((entry) => `false conflict ×${cell.ledger.falseConflicts.filter((e) => e === entry).length}: ${entry}`),
      ...cell.ledger.samples.map((entry) => `other error: ${entry}`),
    ];
    if (lines.length > 0) details.push(`${cell.store} / ${cell.fault}:`, ...lines.slice(0, 25).map((line) => `  ${line}`));
  }
  const text = [`fault matrix for ${store} (JSON: ${file})`, formatTable(cells), ...details].join("\n");
  console.log(text);
  return text;
}
