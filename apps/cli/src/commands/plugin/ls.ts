import { existsSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { BUILTIN_BACKEND_PACKAGES, inspectInstalledPlugin, linkSharedCore, pluginDirectory, runningCore, type InstalledPlugin } from "@cairn/core";
import { CLI_DIR, pluginPath } from "../../context.js";
import type { RunCommand } from "../../run-command.js";
import { formatTable, printJson } from "../../output.js";
import { installedPackages } from "./plugin-dir.js";

interface Row extends InstalledPlugin {
  /** `plugins`: installed with `cairn plugin install`; `bundled`: came with cairn (its own or `CAIRN_PLUGIN_PATH`'s). */
  location: "plugins" | "bundled";
}

export function pluginLsCommand(run: RunCommand): Command {
  return new Command("ls")
    .alias("list")
    .description("List backend plugins: those in cairn's plugin directory and those that come with cairn")
    .option("-j, --json", "print JSON: name, version, schemes, range (@cairn/core it was built for), coreVersion, compatible, reason, location")
    .addHelpText("after", "\nA plugin is compatible when its @cairn/core peer range includes this cairn's core and it implements this cairn's plugin API.")
    .action(
      run(async (context, flags: { json?: boolean }) => {
        const live = pluginDirectory(context.home);
        const installed = Object.keys(await installedPackages(live)).sort();
        // Loading a plugin needs the core link; a moved CLI left it stale (the loader repairs it the same way).
        if (installed.length > 0 && existsSync(join(live, "node_modules"))) await linkSharedCore(live).catch(() => {});
        const rows: Row[] = [];
        for (const name of installed) rows.push({ ...(await inspectInstalledPlugin(name, live)), location: "plugins" });
        for (const name of [...new Set(Object.values(BUILTIN_BACKEND_PACKAGES))].sort()) {
          if (installed.includes(name)) continue;
          for (const dir of [...pluginPath(context.env), CLI_DIR]) {
            const found = await inspectInstalledPlugin(name, dir);
            if (found.packageDir === undefined) continue;
            rows.push({ ...found, location: "bundled" });
            break;
          }
        }
        if (flags.json) return printJson(context.output, rows.map(toJson));
        context.output.out(`plugin directory: ${live} (@cairn/core ${runningCore()?.version ?? "unknown"})`);
        context.output.out(
          formatTable(
            ["package", "version", "schemes", "core range", "compatible", "location"],
            rows.map((row) => [row.name, row.version ?? "-", row.schemes.join(", ") || "-", row.range ?? "-", row.compatible ? "yes" : "no", row.location]),
          ),
        );
        for (const row of rows.filter((r) => !r.compatible)) context.output.out(`${row.name}: ${row.reason ?? "incompatible"}`);
      }),
    );
}

function toJson(row: Row) {
  return {
    name: row.name,
    version: row.version ?? null,
    schemes: row.schemes,
    range: row.range ?? null,
    coreVersion: row.coreVersion ?? null,
    compatible: row.compatible,
    ...(row.reason === undefined ? {} : { reason: row.reason }),
    location: row.location,
    path: row.packageDir ?? null,
  };
}
