import type { Command } from "commander";
import { CairnError, restoreVersion } from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { printJson } from "../../output.js";
import { stackNames } from "../../stack-display.js";
import { integerFlag } from "../../integer-flag.js";

/**
 * `cairn stack restore`, from exactly one source:
 * - `--version N`: a roll-forward restore on any backend with history (core's `restoreVersion`):
 *   version N's deployment becomes the current state as one NEW history entry ("restore of version
 *   N"); nothing in history is removed or rewritten, so it is undone by restoring the version before
 *   it — which is why it asks no confirmation. A restore of the state the stack already has is
 *   still recorded (the output says so): the user asked for it, and the audit trail shows it.
 * - `--from-backup`: the way back for a stack whose file is broken (or was removed by `stack rm`):
 *   every store write keeps the previous stack file as `<file>.bak`; this puts it back.
 */
export function registerStackRestore(stack: Command, run: RunCommand): void {
  stack
    .command("restore")
    .description("Restore a past version as a new update (--version N), or a broken stack's file from its .bak copy (--from-backup)")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("--version <n>", "make version N (from `cairn stack history`, 1 = oldest) the current state, recorded as a new update", integerFlag("--version", 1, Number.MAX_SAFE_INTEGER, "give a version from `cairn stack history` (1 = the oldest update)"))
    .option("--from-backup", "restore from the stack file's .bak copy (the state before its last write)")
    .option("-j, --json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nA --version restore never rewrites history: the versions after N stay, and the restore is one more\n" +
        "entry (kind `import`, message `restore of version N`). The stack is locked while it is written.",
    )
    .action(
      run(async (context, flags: { stack?: string; version?: number; fromBackup?: boolean; json?: boolean }) => {
        if ((flags.version === undefined) === !flags.fromBackup) {
          throw new CairnError("InvalidArgument", flags.fromBackup ? "give only one of --version and --from-backup" : "say where to restore from", {
            hint: "pass --version N to restore version N of `cairn stack history`, or --from-backup to restore the stack file's .bak copy",
          });
        }
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        const label = (await stackNames(backend, undefined)).qualified(ref);
        if (flags.version !== undefined) {
          const result = await restoreVersion(backend, ref, flags.version);
          if (flags.json) return printJson(context.output, { stack: label, ...result });
          const recorded = result.version === undefined ? "as a new update" : `as version ${result.version}`;
          context.output.out(`Restored stack ${label} to version ${result.restored}, recorded ${recorded} (${result.resourceCount} resources)`);
          if (result.unchanged) context.output.out(`The current state already equalled version ${result.restored}: nothing changed but the history entry.`);
          return;
        }
        if (backend.restoreStackFromBackup === undefined) {
          throw new CairnError("Unimplemented", `${backend.url} keeps no .bak copies of stack files`, { hint: "restore a past version with `cairn stack restore --version N`" });
        }
        const { backup } = await backend.restoreStackFromBackup(ref);
        if (flags.json) return printJson(context.output, { stack: label, backup });
        context.output.out(`Restored stack ${label} from ${backup}`);
      }),
    );
}
