import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { canceledTry } from "@cairn/core/driver";
import { GitCliError, runGit } from "./git-cli.js";
import { PushRejectedError, REMOTE_TIP_REF, type GitRemote } from "./git-remote.js";

/**
 * A repository on the local file system, reached with the system `git` (isomorphic-git has no
 * file transport). `git push` to a path runs the repository's own receive-pack, so the branch
 * update is the same ref-lock compare-and-swap (and `receive.denyNonFastForwards`) an HTTP server
 * gives; `--force-with-lease` pins the swap to exactly the tip we built on.
 */
export class FileRemote implements GitRemote {
  private readonly url: string;

  constructor(
    private readonly gitdir: string,
    private readonly path: string,
  ) {
    this.url = pathToFileURL(path).href;
  }

  async fetch(branch: string, options: { deepen?: boolean; signal?: AbortSignal } = {}): Promise<string | undefined> {
    const shallowFile = existsSync(join(this.gitdir, "shallow"));
    const hasTip = existsSync(join(this.gitdir, REMOTE_TIP_REF));
    const depth = options.deepen ? (shallowFile ? ["--unshallow"] : []) : hasTip ? [] : ["--depth=1"];
    try {
      await runGit(["--git-dir", this.gitdir, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", ...depth, this.url, `+refs/heads/${branch}:${REMOTE_TIP_REF}`], options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw canceledTry(options.signal, error, { what: `fetch ${branch}` });
      if (error instanceof GitCliError && /couldn't find remote ref/i.test(error.stderr)) return undefined;
      throw error;
    }
    return (await runGit(["--git-dir", this.gitdir, "rev-parse", "--verify", REMOTE_TIP_REF])).trim();
  }

  async push(branch: string, commit: string, expected: string | undefined, signal?: AbortSignal): Promise<void> {
    const ref = `refs/heads/${branch}`;
    try {
      await runGit(["--git-dir", this.gitdir, "push", "--quiet", "--porcelain", `--force-with-lease=${ref}:${expected ?? ""}`, this.url, `${commit}:${ref}`], signal);
    } catch (error) {
      // A git killed mid-push may have moved the branch already.
      if (signal?.aborted) throw canceledTry(signal, error, { what: `push ${branch}`, write: true });
      if (error instanceof GitCliError && /rejected|stale info|failed to update ref|cannot lock ref|non-fast-forward|fetch first/i.test(error.stderr + error.message)) {
        throw new PushRejectedError(error.stderr.trim());
      }
      throw error;
    }
  }

  async defaultBranch(): Promise<string | undefined> {
    const head = (await runGit(["--git-dir", this.path, "symbolic-ref", "--quiet", "HEAD"])).trim();
    return head.startsWith("refs/heads/") ? head.slice("refs/heads/".length) : undefined;
  }
}
