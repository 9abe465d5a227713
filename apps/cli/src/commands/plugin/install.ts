import { Command } from "commander";
import { assertSharesCore, CairnError, inspectInstalledPlugin, linkSharedCore, pluginDirectory } from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { runNpm } from "./npm.js";
import { changePluginDirectory, installedPackages } from "./plugin-dir.js";
import { parsePluginSpec } from "./plugin-spec.js";

export function pluginInstallCommand(run: RunCommand): Command {
  return new Command("install")
    .description("Install a backend plugin into cairn's plugin directory, sharing this cairn's @cairn/core")
    .argument("<plugin>", "a scheme (s3, azblob, gs, git+https, https), an npm package (cairn-backend-acme, @acme/backend@^1) or a path to a tarball or directory")
    .addHelpText(
      "after",
      "\nRuns npm in $PULUMI_HOME/cairn/plugins. The plugin is checked before it replaces anything:" +
        "\nits @cairn/core peer range must include this cairn's core, and its default export must be a" +
        "\nbackend plugin of this cairn's API version; otherwise nothing changes.\n" +
        "\nExamples:\n  cairn plugin install s3\n  cairn plugin install cairn-backend-acme@^1\n  cairn plugin install ./cairn-backend-acme-1.0.0.tgz",
    )
    .action(
      run(async (context, what: string) => {
        const spec = parsePluginSpec(what, context.cwd, (await context.project())?.backendPackages);
        const live = pluginDirectory(context.home);
        context.output.err(`› installing ${spec.npmSpec} into ${live} (npm, in a staging copy)…`);
        const installed = await changePluginDirectory(context.home, async (staging) => {
          const before = await installedPackages(staging);
          await runNpm(["install", "--save", spec.npmSpec], staging, context.output, context.env);
          const name = spec.packageName ?? changedPackage(before, await installedPackages(staging), spec.npmSpec);
          context.output.err(`› checking ${name} against this cairn's @cairn/core…`);
          // npm prunes what it did not install, the core link included: put it back before looking.
          await linkSharedCore(staging);
          const plugin = await inspectInstalledPlugin(name, staging);
          if (!plugin.compatible) {
            throw new CairnError("PluginIncompatible", `refusing to install ${name}${plugin.version ? ` ${plugin.version}` : ""}: it ${plugin.reason ?? "is not a cairn backend plugin"}`, {
              hint: `nothing was installed; install a release built for @cairn/core ${plugin.coreVersion ?? "(this cairn's)"} (\`cairn plugin install ${name}@<version>\`), or upgrade cairn`,
            });
          }
          if (plugin.packageDir !== undefined) await assertSharesCore(plugin.packageDir, `package ${name}`, "it must peer-depend on @cairn/core, not depend on it; nothing was installed");
          return plugin;
        });
        const version = installed.version === undefined ? "" : ` ${installed.version}`;
        context.output.out(`installed ${installed.name}${version} (${installed.schemes.map((s) => `${s}://`).join(", ")}) into ${live}`);
      }),
    );
}

/** The package npm added or changed for a path spec (`file:` entries), found by comparing package.json before and after. */
function changedPackage(before: Record<string, string>, after: Record<string, string>, npmSpec: string): string {
  const changed = Object.keys(after).filter((name) => before[name] !== after[name]);
  if (changed.length === 1) return changed[0] as string;
  const same = Object.keys(after).filter((name) => after[name]?.startsWith("file:") && after[name]?.endsWith(npmSpec.split("/").at(-1) ?? npmSpec));
  if (same.length === 1) return same[0] as string;
  throw new CairnError("Internal", `cannot tell which package npm installed from ${npmSpec}`, { hint: "run `cairn plugin ls` to see what the plugin directory holds" });
}
