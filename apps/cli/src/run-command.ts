import type { CliContext } from "./context.js";

/**
 * How a command's action runs: `main` wraps each action so it gets a fresh `CliContext` and its
 * errors are printed and mapped to an exit code. Commands take it as a parameter; it lives here,
 * not in `main.ts`, so the commands `main` registers do not import `main` back.
 */
export type RunCommand = <A extends unknown[]>(fn: (context: CliContext, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;
