import type { Command } from "commander";
import type { RunCommand } from "../run-command.js";
import { pluginInstallCommand } from "./plugin/install.js";
import { pluginLsCommand } from "./plugin/ls.js";
import { pluginRemoveCommand } from "./plugin/remove.js";
import { pluginNewCommand } from "./plugin-new.js";

/**
 * `cairn plugin …`: backend plugins in cairn's plugin directory (`$PULUMI_HOME/cairn/plugins`),
 * and `new` for a plugin package of your own. Each subcommand is a prepared `Command`; add another
 * with one more `.addCommand(...)` line.
 */
export function registerPlugin(program: Command, run: RunCommand): void {
  const group = program
    .command("plugin")
    .description("Backend plugins: install, ls, remove (in $PULUMI_HOME/cairn/plugins), and new (a package of your own)")
    .addCommand(pluginInstallCommand(run))
    .addCommand(pluginLsCommand(run))
    .addCommand(pluginRemoveCommand(run))
    .addCommand(pluginNewCommand());
  // `addCommand` (unlike `.command`) does not pass down the program's output and error settings.
  for (const command of group.commands) command.copyInheritedSettings(group);
}
