import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { createContext } from "./context.js";
import { exitCodeFor } from "./exit-codes.js";
import { printError, processOutput, type Output } from "./output.js";
import { registerLogin } from "./commands/login.js";
import { registerLogout } from "./commands/logout.js";
import { registerWhoami } from "./commands/whoami.js";
import { registerOrg } from "./commands/org.js";
import { registerStack } from "./commands/stack.js";
import { registerState } from "./commands/state.js";
import { registerPlugin } from "./commands/plugin.js";
import { registerCompletion } from "./commands/completion.js";
import type { RunCommand } from "./run-command.js";

/** The version this CLI was published as (its package.json, beside `dist/` and `src/` alike), so a release bump is never missed. */
const CLI_VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export type { RunCommand } from "./run-command.js";

export interface MainOptions {
  output?: Output;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Runs the CLI with `argv` (without `node cairn`) and returns the exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const output = options.output ?? processOutput;
  const run: RunCommand =
    (fn) =>
    async (...args) => {
      const context = createContext(output, options.env ?? process.env, options.cwd ?? process.cwd());
      try {
        await fn(context, ...args);
      } finally {
        await context.close();
      }
    };

  const program = new Command("cairn")
    .description("Manage infrastructure-as-code state on any backend, compatible with Pulumi's self-managed backends.")
    .version(CLI_VERSION)
    // Root options (`--version`) only before the command, so `stack export --version 3` is the command's.
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (text) => output.out(text.replace(/\n$/, "")), writeErr: (text) => output.err(text.replace(/\n$/, "")) })
    .exitOverride();
  registerLogin(program, run);
  registerLogout(program, run);
  registerWhoami(program, run);
  registerOrg(program, run);
  registerStack(program, run);
  registerState(program, run);
  registerPlugin(program, run);
  registerCompletion(program, run);
  program
    .command("version")
    .description("Print cairn's version (as `cairn --version`)")
    .option("-j, --json", "print JSON")
    .action((flags: { json?: boolean }) => output.out(flags.json ? JSON.stringify({ version: CLI_VERSION }) : CLI_VERSION));
  const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
  for (const command of everyCommand(program)) command.exitOverride();

  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; everything else is a usage error already printed.
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" ? 0 : 2;
    }
    printError(output, error);
    return exitCodeFor(error);
  }
}
