import { spawn } from "node:child_process";
import { CairnError } from "@cairn/core";
import type { Output } from "../../output.js";

/**
 * Flags for every npm run in the plugin directory. `--legacy-peer-deps`: npm 7+ would otherwise
 * install each plugin's `@cairn/core` peer, a second copy of core beside the CLI's (and look it up
 * in the registry); the plugin shares the CLI's instead, through the link `linkSharedCore` makes.
 * `--install-links`: a directory is copied in like a tarball, not symlinked — a symlinked plugin
 * resolves `@cairn/core` from where its files really are, outside the plugin directory and its link.
 */
const NPM_FLAGS = ["--legacy-peer-deps", "--install-links", "--no-audit", "--no-fund", "--no-progress", "--no-update-notifier"];

/**
 * Runs `npm <args>` in the npm prefix `prefix`, echoing each line npm prints to stderr (`npm: …`)
 * so a slow install shows progress. `npm` is whatever is on PATH (`CAIRN_NPM` overrides).
 */
export async function runNpm(args: string[], prefix: string, output: Output, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const npm = env.CAIRN_NPM ?? "npm";
  const child = spawn(npm, [...args, "--prefix", prefix, ...NPM_FLAGS], { cwd: prefix, env: { ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const tail: string[] = [];
  let missing = false;
  const echo = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split(/\r?\n/)) {
      if (line.trim() === "") continue;
      output.err(`  npm: ${line}`);
      // npm's codes for "no such package, version or file": not worth retrying, unlike a network error.
      if (/\b(E404|ENOENT|ETARGET|EINVALIDTAGNAME)\b/.test(line)) missing = true;
      if (!/A complete log of this run/.test(line)) tail.push(line);
      if (tail.length > 5) tail.shift();
    }
  };
  child.stdout.on("data", echo);
  child.stderr.on("data", echo);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  }).catch((error: NodeJS.ErrnoException) => {
    throw new CairnError(
      "Unavailable",
      error.code === "ENOENT" ? `cannot run ${npm}: it is not on PATH` : `cannot run ${npm}: ${error.message}`,
      { cause: error, hint: "cairn plugin runs npm to install packages: install Node.js with npm (or set CAIRN_NPM to its path)" },
    );
  });
  if (code !== 0) {
    throw new CairnError(missing ? "NotFound" : "Unavailable", `\`npm ${args.join(" ")}\` failed (exit ${code ?? "by signal"})${tail.length > 0 ? `: ${tail.at(-1)}` : ""}`, {
      hint: "check the package name, version or path and your network or npm registry settings (npm's output is above); nothing was changed",
    });
  }
}
