import type { Command } from "commander";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { clearSelectedStack, getSelectedStack, parseStackRef, CairnError } from "@cairn/core";
import { stackNames } from "../../stack-display.js";
import type { RunCommand } from "../../run-command.js";
import { confirmByTyping } from "../../prompt.js";

export function registerStackRm(stack: Command, run: RunCommand): void {
  stack
    .command("rm")
    .description("Remove a stack and its history and configuration (it must have no resources, unless --force)")
    .argument("[stack]", "<stack>, organization/<stack> or organization/<project>/<stack>; defaults to the selected stack")
    .option("-s, --stack <stack>", "the stack to remove")
    .option("-f, --force", "remove even if the stack still has resources (they are NOT destroyed)")
    .option("-y, --yes", "skip the confirmation prompt")
    .option("--preserve-config", "keep the Pulumi.<stack>.yaml config file")
    .option("--remove-backups", "also remove the stack's backups and its .bak copy (by default they are kept, as Pulumi keeps them)")
    .option("--non-interactive", "never prompt")
    .action(
      run(async (context, name: string | undefined, flags: { stack?: string; force?: boolean; yes?: boolean; preserveConfig?: boolean; removeBackups?: boolean; nonInteractive?: boolean }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, name ?? flags.stack);
        const backend = await context.openBackend(url);
        const names = await stackNames(backend, (await context.project())?.name);
        if ((await backend.getStack(ref)) === undefined) {
          throw new CairnError("NotFound", `no stack named '${names.display(ref)}' found`, { hint: "`cairn stack ls --all` lists stacks" });
        }
        if (!flags.yes) {
          await confirmByTyping(context.output, `This will permanently remove the '${names.display(ref)}' stack!`, ref.name, "--yes", Boolean(flags.nonInteractive));
        }
        await backend.removeStack(ref, { force: Boolean(flags.force), removeBackups: Boolean(flags.removeBackups) });

        const project = await context.project();
        if (project !== undefined && project.name === ref.project) {
          if (!flags.preserveConfig) await rm(join(dirname(project.file), `Pulumi.${ref.name}.yaml`), { force: true });
          const selected = await getSelectedStack(context.home, project.file, url);
          if (selected !== undefined && names.same(parseStackRef(selected, project.name), ref)) {
            await clearSelectedStack(context.home, project.file, url);
          }
        }
        context.output.out(`Stack '${names.display(ref)}' has been removed!`);
      }),
    );
}
