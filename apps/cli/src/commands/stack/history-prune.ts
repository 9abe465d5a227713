import type { Command } from "commander";
import { resolve } from "node:path";
import { CairnError, formatJson, formatStackRef } from "@cairn/core";
import { writeFileAtomic, fsError } from "@cairn/core/driver";
import type { RunCommand } from "../../run-command.js";
import { printJson } from "../../output.js";
import { integerFlag } from "../../integer-flag.js";
import { confirmByTyping } from "../../prompt.js";

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30d`, `12h`, `90m`, `2w` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  if (match === null) {
    throw new CairnError("InvalidArgument", `${JSON.stringify(text)} is not a duration`, { hint: "use a number and a unit: 90m, 12h, 30d or 2w" });
  }
  return Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
}

/** `cairn stack history prune` and `cairn stack history export`, under `stack history`. */
export function registerHistorySubcommands(history: Command, run: RunCommand): void {
  history
    .command("prune")
    .description("Delete the oldest history entries, recording the pruned range so what is kept still verifies")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("--keep <n>", "keep the newest N entries", integerFlag("--keep", 0))
    .option("--older-than <duration>", "delete entries that started longer ago than this (90m, 12h, 30d, 2w)")
    .option("--dry-run", "show what would be deleted; delete nothing")
    .option("-y, --yes", "skip the confirmation prompt")
    .option("--non-interactive", "never prompt")
    .option("-j, --json", "print JSON")
    .exitOverride()
    .action(
      run(async (context, flags: { stack?: string; keep?: number; olderThan?: string; dryRun?: boolean; yes?: boolean; nonInteractive?: boolean; json?: boolean }) => {
        if ((flags.keep === undefined) === (flags.olderThan === undefined)) {
          throw new CairnError("InvalidArgument", "give exactly one of --keep N or --older-than DURATION");
        }
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        if (backend.pruneHistory === undefined) throw new CairnError("Unimplemented", `${backend.url} does not support pruning history`);
        // Deleting history cannot be undone, so it is confirmed as `stack rm` is: by typing the stack's name.
        if (!flags.dryRun && !flags.yes) {
          const what = flags.keep === undefined ? `older than ${flags.olderThan}` : `except the newest ${flags.keep}`;
          await confirmByTyping(context.output, `This will permanently delete the history entries of '${formatStackRef(ref)}' ${what}!`, ref.name, "--yes", Boolean(flags.nonInteractive));
        }
        const report = await backend.pruneHistory(ref, {
          ...(flags.keep === undefined ? {} : { keep: flags.keep }),
          ...(flags.olderThan === undefined ? {} : { olderThan: new Date(Date.now() - parseDuration(flags.olderThan)) }),
          dryRun: Boolean(flags.dryRun),
        });
        if (flags.json) return printJson(context.output, report);
        const verb = report.dryRun ? "Would delete" : "Deleted";
        context.output.out(`${verb} ${report.removed.length} history entries of ${report.stack}; ${report.kept} kept.`);
        for (const name of report.removed) context.output.out(`  ${name}`);
      }),
    );

  history
    .command("export")
    .description("Write the stack's history (records and checkpoints) as one archive that `cairn stack verify --archive` checks offline")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .requiredOption("--file <path>", "where to write the archive (JSON)")
    .exitOverride()
    .action(
      run(async (context, flags: { stack?: string; file: string }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        if (backend.exportHistoryArchive === undefined) throw new CairnError("Unimplemented", `${backend.url} does not export history archives`);
        const archive = await backend.exportHistoryArchive(ref);
        // Checkpoints may hold encrypted secrets only, but the archive is still the stack's state: owner-only.
        await writeFileAtomic(resolve(context.cwd, flags.file), formatJson(archive), { mode: 0o600 }).catch((error: unknown) => {
          throw fsError(error, "write", flags.file);
        });
        context.output.err(`Exported ${archive.entries.length} history entries of ${archive.stack} to ${flags.file}`);
      }),
    );
}
