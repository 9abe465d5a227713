import type { Command } from "commander";
import type { UpdateRecord } from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { formatTable, printJson } from "../../output.js";
import { registerHistorySubcommands } from "./history-prune.js";
import { integerFlag } from "../../integer-flag.js";
import { consoleUrls } from "../../console-urls.js";

export function registerStackHistory(stack: Command, run: RunCommand): void {
  const history = stack
    .command("history")
    .description("Show the stack's update history, newest first")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("--page-size <n>", "show at most this many updates", integerFlag("--page-size", 1))
    .option("-j, --json", "print JSON")
    .option("--show-urls", "add each update's web console page (backends with a console: cairn-server, Pulumi Cloud)")
    .action(
      run(async (context, flags: { stack?: string; pageSize?: number; json?: boolean; showUrls?: boolean }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        const history = await backend.listHistory(ref, flags.pageSize === undefined ? {} : { limit: flags.pageSize });
        const versionOf = (update: UpdateRecord, index: number) => update.version ?? history.length - index;
        const urls = flags.showUrls ? await consoleUrls(context.output, backend, history.map(() => ref), history.map(versionOf)) : undefined;
        if (flags.json) return printJson(context.output, history.map((update, index) => ({ ...historyJson(update), ...(urls?.[index] !== undefined ? { url: urls[index] } : {}) })));
        if (history.length === 0) return context.output.out("This stack has no updates yet.");
        const rows = history.map((update, index) => [
          String(versionOf(update, index)),
          update.kind,
          update.result,
          new Date(update.startTime * 1000).toISOString(),
          `${Math.max(0, update.endTime - update.startTime)}s`,
          update.resourceCount === undefined ? "" : String(update.resourceCount),
          ...(urls === undefined ? [] : [urls[index] ?? ""]),
          typeof update.message === "string" ? (update.message.split("\n")[0] ?? "") : "", // its first line: a table row is one line
        ]);
        context.output.out(formatTable(["VERSION", "KIND", "RESULT", "STARTED", "DURATION", "RESOURCES", ...(urls === undefined ? [] : ["URL"]), "MESSAGE"], rows));
      }),
    );
  registerHistorySubcommands(history, run);
}

/** The fields Pulumi's `stack history --json` prints (`updateInfoJSON`), in its order. */
const PULUMI_FIELDS = new Set(["version", "kind", "startTime", "message", "environment", "config", "result", "endTime", "resourceChanges"]);

/**
 * One update as Pulumi's `stack history --json` prints it: times as RFC 3339, `config` values as
 * `{value, secret}`, `endTime` and `resourceChanges` once the update has finished. cairn numbers
 * `version` (1 = oldest) where Pulumi's self-managed backend prints 0, and adds what else it knows
 * (its history chain hashes, `resourceCount`) after Pulumi's fields.
 */
function historyJson(update: UpdateRecord): Record<string, unknown> {
  const finished = update.result !== "in-progress";
  const extras = Object.fromEntries(Object.entries(update).filter(([field]) => !PULUMI_FIELDS.has(field)));
  return {
    version: update.version ?? 0,
    kind: update.kind,
    startTime: new Date(update.startTime * 1000).toISOString(),
    message: typeof update.message === "string" ? update.message : "",
    environment: isRecord(update.environment) ? update.environment : {},
    config: Object.fromEntries(Object.entries(isRecord(update.config) ? update.config : {}).map(([key, value]) => [key, configValueJson(value)])),
    result: update.result,
    ...(finished ? { endTime: new Date(update.endTime * 1000).toISOString(), resourceChanges: isRecord(update.resourceChanges) ? update.resourceChanges : {} } : {}),
    ...extras,
  };
}

/** Pulumi's `configValueJSON`: a secret's value is not shown (cairn has no `--show-secrets` here). */
function configValueJson(value: unknown): { value?: string; objectValue?: unknown; secret: boolean } {
  if (typeof value === "string") return { value, secret: false };
  if (isRecord(value) && typeof value.secure === "string") return { secret: true };
  return { value: JSON.stringify(value), objectValue: value, secret: false };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
