import type { Command } from "commander";
import { getSelectedStack, parseStackRef, type StackSummary } from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { formatTable, printJson } from "../../output.js";
import { stackNames } from "../../stack-display.js";
import { consoleUrls } from "../../console-urls.js";

export function registerStackLs(stack: Command, run: RunCommand): void {
  stack
    .command("ls")
    .description("List stacks (of the current project, or all with --all)")
    .option("-a, --all", "list stacks of every project")
    .option("-p, --project <project>", "list stacks of this project")
    .option("-j, --json", "print JSON")
    .option("-t, --tag <tag>", "only stacks with this tag: tag-name or tag-name=tag-value")
    .option("--show-urls", "add each stack's web console page (backends with a console: cairn-server, Pulumi Cloud)")
    .action(
      run(async (context, flags: { all?: boolean; project?: string; json?: boolean; tag?: string; showUrls?: boolean }) => {
        const url = await context.backendUrl();
        const project = await context.project();
        const filterProject = flags.all ? undefined : (flags.project ?? project?.name);
        const backend = await context.openBackend(url);
        const tagFilter = flags.tag === undefined ? {} : parseTagFilter(flags.tag);
        const stacks = await backend.listStacks({ ...(filterProject === undefined ? {} : { project: filterProject }), ...tagFilter });
        const selectedName = project && (await getSelectedStack(context.home, project.file, url));
        const { display: name } = await stackNames(backend, project?.name);
        // As Pulumi: the current stack is the one whose printed name is the selection's, and the
        // list is sorted by printed name (byte order, as Go compares strings).
        const current = selectedName === undefined ? undefined : name(parseStackRef(selectedName, project?.name));
        const isCurrent = (summary: StackSummary) => current !== undefined && name(summary.ref) === current;
        const display = (summary: StackSummary) => name(summary.ref);
        stacks.sort((a, b) => Buffer.compare(Buffer.from(display(a)), Buffer.from(display(b))));
        const urls = flags.showUrls ? await consoleUrls(context.output, backend, stacks.map((summary) => summary.ref)) : undefined;

        if (flags.json) {
          return printJson(
            context.output,
            // Pulumi's shape (`stackSummaryJSON`): a self-managed backend reports no progress and
            // has no console, so `updateInProgress` and `url` are left out, as Pulumi leaves them.
            stacks.map((summary, index) => ({
              name: display(summary),
              current: isCurrent(summary),
              ...(summary.lastUpdate ? { lastUpdate: summary.lastUpdate.toISOString() } : {}),
              ...(summary.resourceCount !== undefined ? { resourceCount: summary.resourceCount } : {}),
              // cairn's addition: a stack whose file cannot be read, with why and what to do.
              ...(summary.broken !== undefined ? { broken: summary.broken } : {}),
              ...(urls?.[index] !== undefined ? { url: urls[index] } : {}),
            })),
          );
        }
        if (stacks.length === 0) {
          return context.output.out("No stacks found; run `cairn stack init <name>` to create one.");
        }
        const rows = stacks.map((summary, index) => [
          `${display(summary)}${isCurrent(summary) ? "*" : ""}`,
          summary.broken !== undefined ? "BROKEN" : summary.lastUpdate ? summary.lastUpdate.toISOString() : "n/a",
          summary.resourceCount === undefined ? "n/a" : String(summary.resourceCount),
          ...(urls === undefined ? [] : [urls[index] ?? "n/a"]),
        ]);
        context.output.out(formatTable(["NAME", "LAST UPDATE", "RESOURCE COUNT", ...(urls === undefined ? [] : ["URL"])], rows));
        // The table stays parseable; why each broken stack is broken, and the way out, go to stderr.
        for (const summary of stacks) {
          if (summary.broken === undefined) continue;
          context.output.err(`warning: stack ${display(summary)} is broken: ${summary.broken.reason}\n  ${summary.broken.hint}`);
        }
      }),
    );
}

/** Pulumi's `--tag`: `name` or `name=value` (split at the first `=`). */
function parseTagFilter(text: string): { tagName: string; tagValue?: string } {
  const equals = text.indexOf("=");
  return equals === -1 ? { tagName: text } : { tagName: text.slice(0, equals), tagValue: text.slice(equals + 1) };
}
