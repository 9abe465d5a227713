/** Exit codes of a process ended by a signal, as shells report them (128 + the signal number). */
const SIGNAL_EXIT: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Ctrl-C or a `kill` while a command holds a stack lock (a long `stack import`) would otherwise end
 * the process at once and leave the lock behind, live-looking until someone runs `stack unlock
 * --force`. Instead the first SIGINT/SIGTERM releases every lock this process holds (bounded in
 * time), then exits with the signal's code; a second signal exits at once. Core is imported on the
 * signal, not at start-up (`cairn version` never loads it): a process that holds a lock has loaded
 * it already, so the import is the same instance and costs nothing then.
 */
export function installSignalHandlers(): void {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(SIGNAL_EXIT[signal]);
      stopping = true;
      process.stderr.write(`\ninterrupted (${signal}): releasing stack locks…\n`);
      void import("@cairn/core").then(({ releaseProcessLocks }) => releaseProcessLocks()).finally(() => process.exit(SIGNAL_EXIT[signal]));
    });
  }
}
