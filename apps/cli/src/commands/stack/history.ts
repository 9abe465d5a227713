import type { Command } from "commander";
import type { RunCommand } from "../../main.js";
import { formatTable, printJson } from "../../output.js";
import { registerHistorySubcommands } from "./history-prune.js";

export function registerStackHistory(stack: Command, run: RunCommand): void {
  const history = stack
    .command("history")
    .description("Show the stack's update history, newest first")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("--page-size <n>", "show at most this many updates", (value) => Number.parseInt(value, 10))
    .option("-j, --json", "print JSON")
    .action(
      run(async (context, flags: { stack?: string; pageSize?: number; json?: boolean }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        const history = await backend.listHistory(ref, flags.pageSize === undefined ? {} : { limit: flags.pageSize });
        if (flags.json) return printJson(context.output, history);
        if (history.length === 0) return context.output.out("This stack has no updates yet.");
        const rows = history.map((update, index) => [
          String(update.version ?? history.length - index),
          update.kind,
          update.result,
          new Date(update.startTime * 1000).toISOString(),
          `${Math.max(0, update.endTime - update.startTime)}s`,
          update.resourceCount === undefined ? "" : String(update.resourceCount),
        ]);
        context.output.out(formatTable(["VERSION", "KIND", "RESULT", "STARTED", "DURATION", "RESOURCES"], rows));
      }),
    );
  registerHistorySubcommands(history, run);
}
