import type { Command } from "commander";
import { CairnError } from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { stackNames } from "../../stack-display.js";

/**
 * `cairn stack restore --from-backup`: the way back for a stack whose file is broken (or was
 * removed by `stack rm`). Every store write keeps the previous stack file as `<file>.bak`; this
 * puts it back. The only source today is that backup, so the flag is required: a later source
 * (a history version) gets its own flag instead of changing what a bare `restore` means.
 */
export function registerStackRestore(stack: Command, run: RunCommand): void {
  stack
    .command("restore")
    .description("Put back a broken (or removed) stack's file from its .bak copy, the state before its last write")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("--from-backup", "restore from the stack file's .bak copy")
    .action(
      run(async (context, flags: { stack?: string; fromBackup?: boolean }) => {
        if (!flags.fromBackup) {
          throw new CairnError("InvalidArgument", "say where to restore from", { hint: "pass --from-backup to restore the stack file's .bak copy" });
        }
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        if (backend.restoreStackFromBackup === undefined) {
          throw new CairnError("Unimplemented", `${backend.url} keeps no .bak copies of stack files`, { hint: "restore an earlier export with `cairn stack import`" });
        }
        const label = (await stackNames(backend, undefined)).qualified(ref);
        const { backup } = await backend.restoreStackFromBackup(ref);
        context.output.out(`Restored stack ${label} from ${backup}`);
      }),
    );
}
