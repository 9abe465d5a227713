import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { makeDirectory, withFileLock } from "@cairn/core";

/** `$PULUMI_HOME/cairn/git-cache/<hash of the URL>`: one bare clone per backend URL. */
export function cacheDirFor(home: string, displayUrl: string): string {
  const hash = createHash("sha256").update(displayUrl).digest("hex").slice(0, 24);
  return join(home, "cairn", "git-cache", hash);
}

/** Creates the bare cache repository if it is not there yet. */
export async function ensureCacheRepo(gitdir: string): Promise<void> {
  if (fs.existsSync(join(gitdir, "HEAD"))) return;
  // Under PULUMI_HOME, which may not exist yet and holds tokens: whatever it creates is owner-only.
  await makeDirectory(gitdir, 0o700);
  await git.init({ fs, gitdir, bare: true, defaultBranch: "cairn" });
}

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Runs `action` with the cache to itself: queued behind other stores of this process on the same
 * cache, and under a lock file against other processes (each fetch and push moves its refs).
 */
export function withCache<T>(gitdir: string, action: () => Promise<T>): Promise<T> {
  const previous = inProcess.get(gitdir) ?? Promise.resolve();
  const run = previous.then(
    () => withFileLock(`${gitdir}.lock`, action, { timeoutMs: 120_000 }),
    () => withFileLock(`${gitdir}.lock`, action, { timeoutMs: 120_000 }),
  );
  const settled = run.catch(() => undefined);
  inProcess.set(gitdir, settled);
  void settled.then(() => {
    if (inProcess.get(gitdir) === settled) inProcess.delete(gitdir);
  });
  return run;
}
