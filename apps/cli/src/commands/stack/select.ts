import type { Command } from "commander";
import { CairnError, setSelectedStack } from "@cairn/core";
import { stackNames } from "../../stack-display.js";
import type { RunCommand } from "../../run-command.js";

export function registerStackSelect(stack: Command, run: RunCommand): void {
  stack
    .command("select")
    .description("Select the current stack of this project")
    .argument("[stack]", "<stack>, organization/<stack> or organization/<project>/<stack>")
    .option("-s, --stack <stack>", "the stack to select (same as the argument)")
    .option("-c, --create", "create the stack if it does not exist")
    .action(
      run(async (context, name: string | undefined, flags: { stack?: string; create?: boolean }) => {
        const given = name ?? flags.stack;
        if (given === undefined) throw new CairnError("InvalidArgument", "name the stack to select", { hint: "cairn stack select dev (`cairn stack ls` lists them)" });
        const project = await context.project();
        if (project === undefined) {
          throw new CairnError("InvalidArgument", "selecting a stack needs a project: no Pulumi.yaml found here or above", {
            hint: "run inside a project directory, or pass --stack to each command instead",
          });
        }
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, given);
        const backend = await context.openBackend(url);
        const names = await stackNames(backend, project.name);
        if ((await backend.getStack(ref)) === undefined) {
          if (!flags.create) {
            throw new CairnError("NotFound", `no stack named '${names.display(ref)}' found`, { hint: "`cairn stack ls` lists stacks; --create makes it" });
          }
          await backend.createStack(ref);
        }
        await setSelectedStack(context.home, project.file, url, names.qualified(ref));
        context.output.out(`Selected stack '${names.display(ref)}'`);
      }),
    );
}
