import type { Command } from "commander";
import { CairnError, formatStackRef, setSelectedStack } from "@cairn/core";
import type { RunCommand } from "../../main.js";

export function registerStackInit(stack: Command, run: RunCommand): void {
  stack
    .command("init")
    .description("Create an empty stack and select it")
    .argument("[stack]", "[organization/][project/]stack")
    .option("-s, --stack <stack>", "the stack to create (same as the argument)")
    .option("--no-select", "do not select the new stack")
    .action(
      run(async (context, name: string | undefined, flags: { stack?: string; select: boolean }) => {
        const given = name ?? flags.stack;
        if (given === undefined) throw new CairnError("InvalidArgument", "name the stack to create", { hint: "cairn stack init dev" });
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, given);
        const backend = await context.openBackend(url);
        await backend.createStack(ref);
        const project = await context.project();
        if (flags.select && project !== undefined && project.name === ref.project) {
          await setSelectedStack(context.home, project.file, url, formatStackRef(ref));
        }
        context.output.out(`Created stack '${formatStackRef(ref)}'`);
      }),
    );
}
