import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_KINDS } from "@cairn/test-servers/fault-proxy";
import { isFaultSensitive, runCell, type CellFault, type CellOptions, type CellResult } from "./fault-cell.js";
import type { FaultTarget } from "./fault-targets.js";
import { report } from "./fault-report.js";

/** `CAIRN_FAULT_SEEDS=1,2,3` runs more seeds per cell (default: one). */
const SEEDS = (process.env.CAIRN_FAULT_SEEDS ?? "1").split(",").map(Number);
/**
 * `CAIRN_FAULT_FULL=1`: every conformance check in every cell. By default each cell runs the
 * fault-sensitive ones (`FAULT_SENSITIVE_CHECKS`): the full suites run without the proxy in each
 * backend's own conformance test, and all of them in all cells take many minutes.
 */
const FULL = process.env.CAIRN_FAULT_FULL === "1";

export interface MatrixOptions extends Omit<CellOptions, "seeds"> {
  /**
   * Cells where false conflicts are known and being fixed elsewhere: their false-conflict test is
   * `it.fails` (it passes while they are nonzero, and fails — to be flipped — once they are zero).
   */
  knownFalseConflicts?: readonly CellFault[];
  /** Cells where a client is known to hang (a bug reported elsewhere): their "ran to the end" test is `it.fails`. */
  knownHangs?: readonly CellFault[];
  /** ms per cell (vitest hook timeout). */
  cellTimeoutMs?: number;
}

/**
 * One store through the fault proxy: the control cell (no faults: every check must pass), then one
 * cell per fault kind. Lost updates and torn objects must be zero everywhere; false conflicts too,
 * except where `knownFalseConflicts` marks them as a known failure.
 */
export function describeFaultMatrix(name: string, open: () => Promise<FaultTarget>, options: MatrixOptions): void {
  describe(`${name} through the fault proxy`, () => {
    let target: FaultTarget;
    const cells: CellResult[] = [];
    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      if (cells.length > 0) report(name, cells);
      await target?.dispose();
    });

    for (const fault of ["none", ...FAULT_KINDS] as const) {
      describe(fault, () => {
        let cell: CellResult;
        beforeAll(async () => {
          cell = await runCell(target, fault, { ...options, seeds: SEEDS, ...(FULL ? { checks: () => true, lockRace: true } : { checks: options.checks ?? isFaultSensitive }) });
          cells.push(cell);
        }, (options.cellTimeoutMs ?? 120_000) * (FULL ? 4 : 1) * SEEDS.length);

        if (fault === "none") {
          const race = options.lockRace !== false || FULL;
          it(`the proxy itself is transparent: every conformance check${race ? " and the lock race" : ""} pass${race ? "" : " (no lock race in this file's cells)"}`, () => {
            expect(cell.conformance.run).toBeGreaterThan(0);
            expect(cell.conformance.failures).toEqual([]);
            if (race) expect(cell.lockRace.run).toBe(1);
            expect(cell.lockRace.failures).toEqual([]);
            expect(cell.proxy.requests).toBeGreaterThan(0);
            expect(cell.ledger.otherErrors).toBe(0);
          });
        } else {
          it(`faults were injected (${fault})`, () => expect(cell.proxy.faults[fault]).toBeGreaterThan(0));
        }
        const hangs = options.knownHangs?.includes(fault) ?? false;
        (hangs ? it.fails : it)(`the ledger ran to the end${hangs ? " (known failure: a client call never settles under this fault)" : ""}`, () => {
          expect(cell.ledger.incomplete).toEqual([]);
        });
        it("no acknowledged write is lost", () => expect(cell.ledger.lost).toEqual([]));
        it("no object is torn", () => expect(cell.ledger.torn).toEqual([]));
        const known = options.knownFalseConflicts?.includes(fault) ?? false;
        (known ? it.fails : it)(`no false conflict${known ? " (known failure: retried conditional writes are not idempotent yet)" : ""}`, () => {
          expect(cell.ledger.falseConflicts).toEqual([]);
        });
      });
    }
  });
}
