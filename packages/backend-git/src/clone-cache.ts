import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { dirname, join } from "node:path";
import git from "isomorphic-git";
import { makeDirectory, orCanceled, withFileLock } from "@cairn/core/driver";

/** `$PULUMI_HOME/cairn/git-cache/<hash of the URL>`: one bare clone per backend URL. */
export function cacheDirFor(home: string, displayUrl: string): string {
  const hash = createHash("sha256").update(displayUrl).digest("hex").slice(0, 24);
  return join(home, "cairn", "git-cache", hash);
}

/** Creates the bare cache repository if it is not there yet; true when this call created it. */
export async function ensureCacheRepo(gitdir: string): Promise<boolean> {
  if (fs.existsSync(join(gitdir, "HEAD"))) return false;
  // Under PULUMI_HOME, which may not exist yet and holds tokens: whatever it creates is owner-only.
  await makeDirectory(gitdir, 0o700);
  await git.init({ fs, gitdir, bare: true, defaultBranch: "cairn" });
  return true;
}

/**
 * Removes a cache that the failed operation itself created (a `cairn login` of a wrong URL, bad
 * credentials, an unreachable host): nothing was ever fetched into it that a later run could use,
 * and it would stay behind under `$PULUMI_HOME` for a backend that was never logged in to. Best
 * effort: the caller's error is what matters.
 */
export async function discardNewCache(gitdir: string): Promise<void> {
  await fs.promises.rm(gitdir, { recursive: true, force: true }).catch(() => undefined);
}

/** After `discardNewCache` and the lock's release: `git-cache` (and `cairn`) if nothing else is in them. */
export async function discardEmptyCacheRoot(gitdir: string): Promise<void> {
  const root = dirname(gitdir);
  // rmdir removes only an empty directory: any other cache (or file) keeps it.
  if (await fs.promises.rmdir(root).then(() => true, () => false)) await fs.promises.rmdir(dirname(root)).catch(() => undefined);
}

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Runs `action` with the cache to itself: queued behind other stores of this process on the same
 * cache, and under a lock file against other processes (each fetch and push moves its refs).
 * `signal` ends either wait with `Canceled` (`action` never runs then); the queue keeps its order.
 */
export function withCache<T>(gitdir: string, action: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const previous = inProcess.get(gitdir) ?? Promise.resolve();
  const locked = () => withFileLock(`${gitdir}.lock`, action, { timeoutMs: 120_000, ...(signal === undefined ? {} : { signal }) });
  const run = orCanceled(previous, signal, "waiting for the git cache").then(locked); // `previous` never rejects
  // The next in line waits for the one ahead of this call too, even when this call was canceled.
  const settled = Promise.allSettled([previous, run]).then(() => undefined);
  inProcess.set(gitdir, settled);
  void settled.then(() => {
    if (inProcess.get(gitdir) === settled) inProcess.delete(gitdir);
  });
  return run;
}
