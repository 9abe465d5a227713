import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CairnError, formatStackRef, verifyHistoryArchive, type HistoryVerification, type StackRef, type StateBackend } from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { printJson } from "../../output.js";

export function registerStackVerify(stack: Command, run: RunCommand): void {
  stack
    .command("verify")
    .description("Check a stack's hash-chained history and every object it references; report the first break")
    .argument("[stack]", "the stack to check; defaults to the selected stack")
    .option("--all", "check every stack on the backend")
    .option("--archive <file>", "check a history archive (`cairn stack history export`) instead: no backend or credentials needed")
    .option("--repair", "record in history a current state whose history record never landed (its writer was killed between the two writes)")
    .option("-j, --json", "print JSON")
    .action(
      run(async (context, stackArg: string | undefined, flags: { all?: boolean; archive?: string; json?: boolean; repair?: boolean }) => {
        if ([stackArg !== undefined, Boolean(flags.all), flags.archive !== undefined].filter(Boolean).length > 1) {
          throw new CairnError("InvalidArgument", "give one of: a stack, --all, or --archive");
        }
        const reports: HistoryVerification[] = [];
        if (flags.archive !== undefined) {
          const path = resolve(context.cwd, flags.archive);
          reports.push(verifyHistoryArchive(await readFile(path, "utf8"), flags.archive));
        } else {
          const url = await context.backendUrl();
          const backend = await context.openBackend(url);
          const refs: StackRef[] = flags.all ? (await backend.listStacks()).map((summary) => summary.ref) : [await context.currentStack(url, stackArg)];
          for (const ref of refs) {
            let report = await verifyOne(backend, ref);
            if (flags.repair && report.unrecorded && backend.repairHistory !== undefined && (await backend.repairHistory(ref))) {
              if (!flags.json) context.output.err(`${report.stack}: recorded its unrecorded current state in history (as a failed update)`);
              report = await verifyOne(backend, ref);
            }
            reports.push(report);
          }
        }
        if (flags.json) printJson(context.output, flags.all ? reports : reports[0]);
        else for (const report of reports) context.output.out(describe(report));
        if (!flags.json && reports.some((report) => report.ok && report.unrecorded !== undefined)) {
          context.output.err("warning: the current state was written without its history record; `cairn stack verify --repair` records it (as a failed update)");
        }
        const broken = reports.filter((report) => !report.ok);
        if (broken.length > 0) {
          throw new CairnError("Internal", `history verification failed for ${broken.map((report) => report.stack).join(", ")}`, {
            hint: "restore the named entry from a backup or an archive; `cairn stack history prune` cannot repair a break inside what it keeps",
          });
        }
      }),
    );
}

async function verifyOne(backend: StateBackend, ref: StackRef): Promise<HistoryVerification> {
  if (backend.verifyHistory === undefined) {
    throw new CairnError("Unimplemented", `${backend.url} does not keep verifiable history files for ${formatStackRef(ref)}`, {
      hint: "verification applies to self-managed stores; a state service checks its own history",
    });
  }
  return backend.verifyHistory(ref);
}

function describe(report: HistoryVerification): string {
  if (report.native) return `${report.stack}: history is the store's own log; nothing to verify here`;
  const pruned = report.pruned ? `, after ${report.pruned.prunedEntries} pruned` : "";
  const unchained = report.unchained > 0 ? ` (${report.unchained} written without a chain, e.g. by Pulumi)` : "";
  if (report.ok && report.unrecorded !== undefined) return `${report.stack}: OK — ${report.entries} history entries verified${pruned}${unchained}; but ${report.unrecorded.problem}`;
  if (report.ok) return `${report.stack}: OK — ${report.entries} history entries verified${pruned}${unchained}`;
  return `${report.stack}: BROKEN — ${report.break?.problem ?? "unknown problem"}`;
}
