// @cairn/cli-all: the `cairn` of @cairn/cli, with every backend installed beside it. The backends
// are this package's dependencies, so they are resolved from this package's directory: in a flat
// npm install they are also the CLI's siblings, but in a nested or pnpm layout they are not on the
// CLI's own resolution path. CAIRN_PLUGIN_PATH names this directory explicitly; it is searched
// after cairn's plugin directory, so a plugin the user installed there still wins.
import { readFileSync } from "node:fs";
import { delimiter, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
process.env.CAIRN_PLUGIN_PATH = [here, process.env.CAIRN_PLUGIN_PATH].filter(Boolean).join(delimiter);

// Run the CLI's own bin, wherever its package.json says it is.
const manifest = import.meta.resolve("@cairn/cli/package.json");
const { bin } = JSON.parse(readFileSync(new URL(manifest), "utf8")) as { bin: string | Record<string, string> };
await import(new URL(typeof bin === "string" ? bin : (bin.cairn ?? "bin/cairn.js"), manifest).href);
