import type { Command } from "commander";
import { formatStackRef, getSelectedStack, parseStackRef, sameStack, type StackSummary } from "@cairn/core";
import type { RunCommand } from "../../main.js";
import { formatTable, printJson } from "../../output.js";

export function registerStackLs(stack: Command, run: RunCommand): void {
  stack
    .command("ls")
    .description("List stacks (of the current project, or all with --all)")
    .option("-a, --all", "list stacks of every project")
    .option("-p, --project <project>", "list stacks of this project")
    .option("-j, --json", "print JSON")
    .action(
      run(async (context, flags: { all?: boolean; project?: string; json?: boolean }) => {
        const url = await context.backendUrl();
        const project = await context.project();
        const filterProject = flags.all ? undefined : (flags.project ?? project?.name);
        const backend = await context.openBackend(url);
        const stacks = await backend.listStacks(filterProject === undefined ? {} : { project: filterProject });
        const selectedName = project && (await getSelectedStack(context.home, project.file, url));
        const selected = selectedName === undefined ? undefined : parseStackRef(selectedName, project?.name);
        const isCurrent = (summary: StackSummary) => selected !== undefined && sameStack(summary.ref, selected);
        const display = (summary: StackSummary) =>
          summary.ref.project === project?.name ? summary.ref.name : formatStackRef(summary.ref).replace(/^organization\//, "");

        if (flags.json) {
          return printJson(
            context.output,
            stacks.map((summary) => ({
              name: display(summary),
              current: isCurrent(summary),
              ...(summary.lastUpdate ? { lastUpdate: summary.lastUpdate.toISOString() } : {}),
              updateInProgress: false,
              ...(summary.resourceCount !== undefined ? { resourceCount: summary.resourceCount } : {}),
              url: `${backend.url}`,
            })),
          );
        }
        if (stacks.length === 0) {
          return context.output.out("No stacks found; run `cairn stack init <name>` to create one.");
        }
        const rows = stacks.map((summary) => [
          `${display(summary)}${isCurrent(summary) ? "*" : ""}`,
          summary.lastUpdate ? summary.lastUpdate.toISOString() : "n/a",
          summary.resourceCount === undefined ? "n/a" : String(summary.resourceCount),
        ]);
        context.output.out(formatTable(["NAME", "LAST UPDATE", "RESOURCE COUNT"], rows));
      }),
    );
}
