import type { Command } from "commander";
import { rename as renameFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseStackRef, setSelectedStack, CairnError } from "@cairn/core";
import { stackNames } from "../../stack-display.js";
import type { RunCommand } from "../../run-command.js";

export function registerStackRename(stack: Command, run: RunCommand): void {
  stack
    .command("rename")
    .description("Rename a stack (its state, history and config file)")
    .argument("<new-name>", "<stack>, organization/<stack> or organization/<project>/<stack>")
    .option("-s, --stack <stack>", "the stack to rename; defaults to the selected stack")
    .action(
      run(async (context, newName: string, flags: { stack?: string }) => {
        const url = await context.backendUrl();
        const from = await context.currentStack(url, flags.stack);
        const to = parseStackRef(newName, from.project);
        if (to.project !== from.project) {
          throw new CairnError("InvalidArgument", "renaming a stack into another project is not supported", { hint: "export it and import it into a new stack instead" });
        }
        const backend = await context.openBackend(url);
        await backend.renameStack(from, to);
        const names = await stackNames(backend, (await context.project())?.name);

        const project = await context.project();
        if (project !== undefined && project.name === from.project) {
          const directory = dirname(project.file);
          await renameFile(join(directory, `Pulumi.${from.name}.yaml`), join(directory, `Pulumi.${to.name}.yaml`)).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== "ENOENT") throw error;
          });
          await setSelectedStack(context.home, project.file, url, names.qualified(to));
        }
        context.output.out(`Renamed ${names.display(from)} to ${names.display(to)}`);
      }),
    );
}
