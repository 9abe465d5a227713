import type { Command } from "commander";
import { pluginNewCommand } from "./plugin-new.js";

/**
 * `cairn plugin …`: backend plugin packages. For now only `new`; install/ls/remove join this group.
 * Subcommands made with `new Command()` get the group's output and exit handling copied.
 */
export function registerPlugin(program: Command): void {
  const plugin = program.command("plugin").description("Backend plugin packages: new");
  plugin.addCommand(pluginNewCommand().copyInheritedSettings(plugin));
}
