import type { Command } from "commander";
import {
  CairnError,
  formatStackRef,
  isCairnError,
  migrateStacks,
  parseStackRef,
  type MigrationFailure,
  type MigrationResult,
  type StackRef,
  type StateBackend,
} from "@cairn/core";
import { redactUrl, redactUrlsIn } from "@cairn/core/driver";
import type { RunCommand } from "../../run-command.js";
import type { CliContext } from "../../context.js";
import { printJson } from "../../output.js";
import { confirmByTyping } from "../../prompt.js";
import { integerFlag } from "../../integer-flag.js";

interface MigrateFlags {
  to: string;
  from?: string;
  all?: boolean;
  includeHistory?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
  json?: boolean;
  parallel: number;
  nonInteractive?: boolean;
}

export function registerStackMigrate(stack: Command, run: RunCommand): void {
  stack
    .command("migrate")
    .description("Copy stacks to another backend in one verified step: lock, copy, verify by hash, release")
    .argument("[stacks...]", "stack names (<stack>, organization/<stack> or organization/<project>/<stack>); defaults to the selected stack")
    .requiredOption("--to <url>", "the target backend URL (you must be able to open it: credentials as for `cairn login`)")
    .option("--from <url>", "the source backend URL; defaults to the current backend")
    .option("--all", "migrate every stack of the source backend")
    .option("--include-history", "also copy each stack's update history, oldest first")
    .option("--dry-run", "report what would happen; write nothing")
    .option("-f, --force", "overwrite target stacks that exist with different content")
    .option("-y, --yes", "do not ask for confirmation")
    .option("-j, --json", "print a JSON summary")
    .option("--parallel <n>", "stacks migrated at once", integerFlag("--parallel", 1, 64), 4)
    .option("--non-interactive", "never prompt")
    .addHelpText(
      "after",
      "\nSecrets stay encrypted throughout (no plaintext touches disk): the deployment and its secrets provider\n" +
        "are copied as they are, so the same passphrase opens them on the target. Re-running is safe: stacks\n" +
        "already identical on the target are skipped and interrupted copies resume.",
    )
    .action(
      run(async (context, names: string[], flags: MigrateFlags) => {
        const fromUrl = flags.from ?? (await context.backendUrl());
        if (fromUrl === flags.to) throw new CairnError("InvalidArgument", "--to names the source backend itself", { hint: "give a different target URL" });
        const source = await context.openBackend(fromUrl);
        const target = await context.openBackend(flags.to);
        await target.verify();
        const refs = await selectStacks(context, source, fromUrl, names, Boolean(flags.all));
        if (refs.length === 0) return report(context, flags, { results: [], failures: [] });

        if (!flags.dryRun && !flags.yes) {
          await confirmByTyping(context.output, `This will copy ${refs.length} stack(s) from ${redactUrl(source.url)} to ${redactUrl(target.url)}.`, "yes", "--yes", Boolean(flags.nonInteractive));
        }
        const progress = !flags.json;
        const summary = await migrateStacks(source, target, refs, {
          includeHistory: Boolean(flags.includeHistory),
          force: Boolean(flags.force),
          dryRun: Boolean(flags.dryRun),
          parallel: flags.parallel,
          // On a terminal, also say which stack is in flight (large stacks take a while).
          onStackStart: (name) => {
            if (progress && context.output.interactive) context.output.err(`… ${name}`);
          },
          onStackDone: ({ done, total, stack: name, result, error }) => {
            if (!progress) return;
            const hint = error !== undefined && isCairnError(error) && error.hint ? ` (${error.hint})` : "";
            const what = result ? `${result.outcome} ${result.hash.slice(0, 16)} ${formatBytes(result.bytes)}` : `FAILED: ${(error as Error).message}${hint}`;
            context.output.err(redactUrlsIn(`[${done}/${total}] ${name}: ${what}`));
          },
        });
        report(context, flags, summary);
        if (summary.failures.length > 0) {
          throw new CairnError(summary.failures[0]!.code === "AlreadyExists" ? "AlreadyExists" : "Internal", `${summary.failures.length} of ${refs.length} stack(s) were not migrated`, {
            hint: "fix the errors above and run the same command again: finished stacks are skipped",
          });
        }
      }),
    );
}

async function selectStacks(context: CliContext, source: StateBackend, sourceUrl: string, names: string[], all: boolean): Promise<StackRef[]> {
  if (all && names.length > 0) throw new CairnError("InvalidArgument", "--all migrates every stack; do not also name stacks");
  if (all) return (await source.listStacks()).map((summary) => summary.ref);
  if (names.length === 0) return [await context.currentStack(sourceUrl)];
  const project = await context.project();
  const refs = names.map((name) => parseStackRef(name, project?.name));
  for (const ref of refs) {
    if ((await source.getStack(ref)) === undefined) {
      throw new CairnError("NotFound", `no stack named '${formatStackRef(ref)}' on ${redactUrl(source.url)}`, { hint: "`cairn stack ls --all` lists stacks" });
    }
  }
  return refs;
}

function report(context: CliContext, flags: MigrateFlags, summary: { results: MigrationResult[]; failures: MigrationFailure[] }): void {
  if (flags.json) return printJson(context.output, { dryRun: Boolean(flags.dryRun), ...summary });
  if (summary.results.length === 0 && summary.failures.length === 0) return context.output.out("No stacks to migrate.");
  for (const result of summary.results) {
    context.output.out(`${result.stack}  ${result.outcome}  sha256:${result.hash}${result.historyCopied > 0 ? `  (${result.historyCopied} history entries)` : ""}`);
  }
  for (const failure of summary.failures) context.output.out(`${failure.stack}  failed  ${failure.message}${failure.hint ? ` (${failure.hint})` : ""}`);
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
