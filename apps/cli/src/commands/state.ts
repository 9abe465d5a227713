import type { Command } from "commander";
import { CairnError, validateName } from "@cairn/core";
import type { RunCommand } from "../run-command.js";
import { printJson } from "../output.js";
import { confirmByTyping } from "../prompt.js";

export function registerState(program: Command, run: RunCommand): void {
  const state = program.command("state").description("Manage the backend's state layout");
  state
    .command("upgrade")
    .description("Move a legacy self-managed backend (no projects) to the project-scoped layout, as `pulumi state upgrade` does")
    .option("--project <stack=project...>", "the project of a stack that has no resources to tell it (repeatable)", collectPairs, {})
    .option("--dry-run", "show what would move; write nothing")
    .option("-y, --yes", "do not ask for confirmation")
    .option("-j, --json", "print JSON")
    .option("--non-interactive", "never prompt")
    .addHelpText("after", "\nSafe to run again after an interruption; a backend already upgraded is left as it is.\nPulumi CLIs older than v3.61 cannot read the upgraded layout.")
    .action(
      run(async (context, flags: { project: Record<string, string>; dryRun?: boolean; yes?: boolean; json?: boolean; nonInteractive?: boolean }) => {
        const backend = await context.openBackend();
        if (backend.upgradeLayout === undefined) {
          throw new CairnError("Unimplemented", `${backend.url} has no self-managed layout to upgrade`);
        }
        const plan = await backend.upgradeLayout({ projects: flags.project, dryRun: true });
        if (!plan.alreadyUpgraded && !flags.dryRun && plan.stacks.length > 0 && !flags.yes) {
          await confirmByTyping(context.output, `This will move ${plan.stacks.length} stack(s) of ${backend.url} into project directories.`, "yes", "--yes", Boolean(flags.nonInteractive));
        }
        const report = flags.dryRun ? plan : await backend.upgradeLayout({ projects: flags.project });
        if (flags.json) return printJson(context.output, { dryRun: Boolean(flags.dryRun), ...report });
        if (report.alreadyUpgraded) return context.output.out(`${backend.url} already uses the project-scoped layout; nothing to do.`);
        for (const moved of report.stacks) context.output.out(`${flags.dryRun ? "would move" : "moved"} ${moved.from} → ${moved.to}`);
        context.output.out(flags.dryRun ? `${report.stacks.length} stack(s) would be upgraded.` : `Upgraded ${report.stacks.length} stack(s); the backend is now project-scoped.`);
      }),
    );
}

function collectPairs(value: string, previous: Record<string, string>): Record<string, string> {
  const [stack, project, ...rest] = value.split("=");
  if (stack === undefined || project === undefined || rest.length > 0) {
    throw new CairnError("InvalidArgument", `--project takes stack=project (got ${JSON.stringify(value)})`);
  }
  validateName("stack", stack);
  validateName("project", project);
  return { ...previous, [stack]: project };
}
