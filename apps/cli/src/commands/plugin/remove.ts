import { Command } from "commander";
import { CairnError, inspectInstalledPlugin, linkSharedCore, pluginDirectory } from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { runNpm } from "./npm.js";
import { changePluginDirectory, installedPackages } from "./plugin-dir.js";
import { packageForRemoval } from "./plugin-spec.js";

export function pluginRemoveCommand(run: RunCommand): Command {
  return new Command("remove")
    .alias("rm")
    .description("Remove a backend plugin from cairn's plugin directory")
    .argument("<plugin>", "the scheme (s3) or package name (cairn-backend-acme) as `cairn plugin ls` shows it")
    .action(
      run(async (context, what: string) => {
        const live = pluginDirectory(context.home);
        const installed = await installedPackages(live);
        const name = await installedPackageFor(packageForRemoval(what, (await context.project())?.backendPackages), installed, live);
        if (!Object.hasOwn(installed, name)) {
          const names = Object.keys(installed);
          throw new CairnError("NotFound", `${name} is not installed in ${live}${names.length > 0 ? ` (installed: ${names.join(", ")})` : " (no plugins are)"}`, {
            hint: "run `cairn plugin ls` for what is installed; backends that come with cairn itself cannot be removed",
          });
        }
        context.output.err(`› removing ${name} from ${live} (npm, in a staging copy)…`);
        await changePluginDirectory(context.home, async (staging) => {
          await runNpm(["uninstall", "--save", name], staging, context.output, context.env);
          if (Object.keys(await installedPackages(staging)).length > 0) await linkSharedCore(staging);
        });
        context.output.out(`removed ${name} from ${live}`);
      }),
    );
}

/** `name` itself when installed; else the installed plugin that serves `name` as a scheme (`cairn plugin rm acme`). */
async function installedPackageFor(name: string, installed: Record<string, string>, live: string): Promise<string> {
  if (Object.hasOwn(installed, name) || !/^[a-z][a-z0-9+.-]*$/.test(name)) return name;
  for (const candidate of Object.keys(installed)) {
    if ((await inspectInstalledPlugin(candidate, live)).schemes.includes(name)) return candidate;
  }
  return name;
}
