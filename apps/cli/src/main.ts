import { createRequire } from "node:module";
import { processOutput, type Output } from "./process-output.js";

/** The version this CLI was published as (its package.json, beside `dist/` and `src/` alike), so a release bump is never missed. */
const CLI_VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export type { RunCommand } from "./run-command.js";
// For bin/cairn.js: one entry file to read at start-up, not two.
export { installSignalHandlers } from "./signals.js";

export interface MainOptions {
  output?: Output;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * `cairn version [--json]` and `cairn --version`, answered before the command tree is loaded (the
 * same text commander would print: test/cli-version-fast-path.test.ts compares the two). Only these
 * exact argument lists: anything else, `version --help` included, goes through commander.
 */
function versionOnly(argv: string[]): string | undefined {
  const [first, second, ...rest] = argv;
  if (rest.length > 0) return undefined;
  if (second === undefined && (first === "--version" || first === "-V" || first === "version")) return CLI_VERSION;
  if (first === "version" && (second === "--json" || second === "-j")) return JSON.stringify({ version: CLI_VERSION });
  return undefined;
}

/** Runs the CLI with `argv` (without `node cairn`) and returns the exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const output = options.output ?? processOutput;
  const version = versionOnly(argv);
  if (version !== undefined) {
    output.out(version);
    return 0;
  }
  const { runProgram } = await import("./program.js");
  return runProgram(argv, output, options.env ?? process.env, options.cwd ?? process.cwd(), CLI_VERSION);
}
