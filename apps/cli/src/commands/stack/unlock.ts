import type { Command } from "commander";
import type { LockInfo } from "@cairn/core";
import { formatStackRef } from "@cairn/core";
import type { RunCommand } from "../../main.js";
import { printJson } from "../../output.js";

export function registerStackUnlock(stack: Command, run: RunCommand): void {
  stack
    .command("unlock")
    .description("Show who holds the stack's lock; with --force, remove it")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("-f, --force", "remove the lock whoever holds it (only if that operation is dead)")
    .option("-j, --json", "print JSON")
    .action(
      run(async (context, flags: { stack?: string; force?: boolean; json?: boolean }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        const holders = flags.force ? await backend.forceUnlock(ref) : await backend.getLock(ref);
        if (flags.json) return printJson(context.output, { stack: formatStackRef(ref), removed: Boolean(flags.force), locks: holders });
        if (holders.length === 0) return context.output.out(`Stack ${formatStackRef(ref)} is not locked.`);
        for (const lock of holders) context.output.out(describe(lock));
        context.output.out(flags.force ? "Removed." : "Not removed: pass --force if that process is gone.");
      }),
    );
}

function describe(lock: LockInfo): string {
  const age = Math.round((Date.now() - Date.parse(lock.timestamp)) / 1000);
  return `locked by ${lock.username}@${lock.hostname} pid ${lock.pid} since ${lock.timestamp} (${age}s ago)${lock.operation ? `, ${lock.operation}` : ""}`;
}
