import { execFile } from "node:child_process";

/** A failed `git` command, with what it printed (stderr, then stdout) (no secrets ever reach the command line). */
export class GitCliError extends Error {
  readonly code = "GitCliError";
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0] === "--git-dir" ? args.slice(2).join(" ") : args.join(" ")} failed: ${stderr.trim() || `exit ${exitCode}`}`);
    this.name = "GitCliError";
  }
}

/**
 * Runs the system `git` in the C locale (messages we match on are English) and never prompts.
 * `signal` kills it; the caller tells what that means (see `FileRemote`).
 */
export function runGit(args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { env: { ...process.env, LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" }, maxBuffer: 64 * 1024 * 1024, ...(signal === undefined ? {} : { signal }) },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const exitCode = typeof error.code === "number" ? error.code : null;
        if (error.code === "ENOENT") return reject(new GitCliError(args, null, "the git program was not found on PATH"));
        reject(new GitCliError(args, exitCode, `${stderr}${stdout}`));
      },
    );
  });
}
