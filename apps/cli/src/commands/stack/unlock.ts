import type { Command } from "commander";
import { hostname } from "node:os";
import { isProcessAlive, type JournalReport, type LockInfo } from "@cairn/core";
import { stackNames } from "../../stack-display.js";
import type { RunCommand } from "../../run-command.js";
import { printJson } from "../../output.js";

export function registerStackUnlock(stack: Command, run: RunCommand): void {
  stack
    .command("unlock")
    .description("Show who holds the stack's lock, its age and whether its lease expired; with --force, remove it")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("-f, --force", "remove the lock whoever holds it (only if that operation is dead)")
    .option("-j, --json", "print JSON")
    .action(
      run(async (context, flags: { stack?: string; force?: boolean; json?: boolean }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        const label = (await stackNames(backend, undefined)).qualified(ref);
        // Never removes anything without --force, live or expired: an expired lease is taken over
        // by the next operation anyway, and a live one belongs to a running operation.
        // An update that died mid-way may have left journaled steps: say what happens to them
        // (read before --force, which recovers them into the stack file).
        const journal = await backend.inspectJournal?.(ref);
        const holders = flags.force ? await backend.forceUnlock(ref) : await backend.getLock(ref);
        const now = Date.now();
        if (flags.json) {
          const locks = holders.map((lock) => ({ ...lock, ageSeconds: ageSeconds(lock, now), expired: isExpired(lock, now), ...(isDead(lock) ? { holderGone: true } : {}) }));
          return printJson(context.output, { stack: label, removed: Boolean(flags.force), locks, ...(journal ? { journal } : {}) });
        }
        if (journal !== undefined) context.output.out(describeJournal(journal, Boolean(flags.force)));
        if (holders.length === 0) return context.output.out(`Stack ${label} is not locked.`);
        for (const lock of holders) context.output.out(describe(lock, now));
        if (flags.force) return context.output.out("Removed.");
        const live = holders.some((lock) => isExpired(lock, now) !== true && !isDead(lock));
        context.output.out(
          live
            ? "Not removed: the lock is live. Pass --force only if that process is gone."
            : "Not removed: its holder is gone or its lease expired, so the next operation takes it over (logging who held it); --force removes it now.",
        );
      }),
    );
}

function ageSeconds(lock: LockInfo, now: number): number | undefined {
  const since = Date.parse(lock.timestamp);
  return Number.isNaN(since) ? undefined : Math.max(0, Math.round((now - since) / 1000));
}

/** `undefined` for a lock without a lease (Pulumi's): it only ends when its holder removes it. */
function isExpired(lock: LockInfo, now: number): boolean | undefined {
  if (lock.expires === undefined) return undefined;
  const end = Date.parse(lock.expires);
  return Number.isNaN(end) ? undefined : end <= now;
}

/**
 * A holder on this machine whose process no longer runs: the lock is dead whatever its lease says
 * (the layout takes such a lock over, see `layout/locks/locks.ts`). A holder on another host cannot be checked.
 */
function isDead(lock: LockInfo): boolean {
  return lock.hostname === hostname() && lock.pid !== process.pid && lock.pid > 0 && !isProcessAlive(lock.pid);
}

function describe(lock: LockInfo, now: number): string {
  const age = ageSeconds(lock, now);
  const expired = isExpired(lock, now);
  const lease = isDead(lock)
    ? `holder GONE (pid ${lock.pid} no longer runs on this host)`
    : expired === undefined
      ? "no lease (a Pulumi lock: live until its holder removes it)"
      : expired
        ? `lease EXPIRED at ${lock.expires}`
        : `lease live until ${lock.expires}`;
  return `locked by ${lock.username}@${lock.hostname} pid ${lock.pid} since ${lock.timestamp} (${age === undefined ? "age unknown" : `${age}s ago`})${lock.operation ? `, ${lock.operation}` : ""}; ${lease}`;
}

function describeJournal(journal: JournalReport, forced: boolean): string {
  const what = `update ${journal.update}${journal.kind ? ` (${journal.kind})` : ""} left ${journal.pendingEntries} journaled step(s)`;
  if (!journal.replayable) return `${what}: obsolete (the stack was rewritten since); the next update removes them.`;
  return forced
    ? `${what}: recovered into the stack file (recorded as a failed update), so Pulumi can use the stack again.`
    : `${what}: readers replay them onto the last checkpoint; \`--force\` or the next update writes them into the stack file (recorded as failed).`;
}
