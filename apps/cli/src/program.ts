import { Command, CommanderError } from "commander";
import { createContext } from "./context.js";
import { exitCodeFor } from "./exit-codes.js";
import { printError, type Output } from "./output.js";
import { registerLogin } from "./commands/login.js";
import { registerLogout } from "./commands/logout.js";
import { registerWhoami } from "./commands/whoami.js";
import { registerOrg } from "./commands/org.js";
import { registerStack } from "./commands/stack.js";
import { registerState } from "./commands/state.js";
import { registerPlugin } from "./commands/plugin.js";
import { registerCompletion } from "./commands/completion.js";
import type { RunCommand } from "./run-command.js";

/**
 * The whole command tree and its parse, loaded by `main` with `import()` only when a command needs
 * it: `cairn version` answers without compiling commander and every command's code.
 */
export async function runProgram(argv: string[], output: Output, env: Record<string, string | undefined>, cwd: string, version: string): Promise<number> {
  const run: RunCommand =
    (fn) =>
    async (...args) => {
      const context = createContext(output, env, cwd);
      try {
        await fn(context, ...args);
      } finally {
        await context.close();
      }
    };
  const program = new Command("cairn")
    .description("Manage infrastructure-as-code state on any backend, compatible with Pulumi's self-managed backends.")
    .version(version)
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
    .action((flags: { json?: boolean }) => output.out(flags.json ? JSON.stringify({ version }) : version));
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
