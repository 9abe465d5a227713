import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { cacheDirFor } from "../src/clone-cache.js";
import { freshRepo, openStore, removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);
const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
const utf8 = (value: string) => new TextEncoder().encode(value);

/** Rewrites the remote's branch with the real git CLI to a new root commit holding `files` (a forced history rewrite). */
function rewriteRemote(bareRepo: string, files: Record<string, string>): void {
  const work = mkdtempSync(join(tmpdir(), "cairn-git-rewrite-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: work, env: { ...process.env, GIT_AUTHOR_NAME: "Admin", GIT_AUTHOR_EMAIL: "a@x", GIT_COMMITTER_NAME: "Admin", GIT_COMMITTER_EMAIL: "a@x" } });
  git("init", "-q", "-b", "main");
  for (const [path, content] of Object.entries(files)) {
    execFileSync("mkdir", ["-p", join(work, path, "..")]);
    writeFileSync(join(work, path), content);
  }
  git("add", "-A");
  git("commit", "-q", "-m", "rewritten by an admin");
  // Force the bare repo's branch, as a server-side admin would (receive.denyNonFastForwards only guards pushes).
  const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: work }).toString().trim();
  execFileSync("git", ["fetch", "-q", work, "main"], { cwd: bareRepo });
  execFileSync("git", ["update-ref", "refs/heads/main", commit], { cwd: bareRepo });
  rmSync(work, { recursive: true, force: true });
}

describe("a local clone cache that no longer matches the remote", () => {
  it("after the remote's history was rewritten: reads see the remote, a stale compare-and-swap is a Conflict, nothing is lost", async () => {
    const repo = freshRepo();
    const home = tempDir("home");
    const store = await openStore(repo.fileUrl, { home });
    const version = await store.put("state/a.json", utf8("cairn wrote this"));
    expect(text((await store.get("state/a.json"))?.bytes)).toBe("cairn wrote this");

    rewriteRemote(repo.path, { "state/a.json": "the admin's version", "state/b.json": "added by the admin" });

    // The same store, with its cache at the old tip: reads fetch and follow the remote.
    expect(text((await store.get("state/a.json"))?.bytes)).toBe("the admin's version");
    expect(text((await store.get("state/b.json"))?.bytes)).toBe("added by the admin");
    // A write conditioned on what it saw before the rewrite must not silently win.
    const stale = await store.put("state/a.json", utf8("stale writer"), { ifMatch: version }).catch((error: unknown) => error);
    expect(isCairnError(stale, "Conflict")).toBe(true);
    expect(text((await store.get("state/a.json"))?.bytes)).toBe("the admin's version");
    // An unconditional write lands on top of the rewritten history, keeping the admin's other file.
    await store.put("state/c.json", utf8("after the rewrite"));
    const clone = mkdtempSync(join(tmpdir(), "cairn-git-check-"));
    execFileSync("git", ["clone", "-q", repo.path, clone]);
    expect(execFileSync("git", ["show", "HEAD:state/b.json"], { cwd: clone }).toString()).toBe("added by the admin");
    expect(execFileSync("git", ["show", "HEAD:state/c.json"], { cwd: clone }).toString()).toBe("after the rewrite");
    rmSync(clone, { recursive: true, force: true });
  });

  it("when the cache directory is deleted or damaged: the store rebuilds it from the remote", async () => {
    const repo = freshRepo();
    const home = tempDir("home");
    const store = await openStore(repo.httpUrl, { home });
    await store.put("state/a.json", utf8("kept on the remote"));
    const cache = cacheDirFor(home, store.url);
    rmSync(join(cache, "objects"), { recursive: true, force: true });
    const reopened = await openStore(repo.httpUrl, { home });
    // The missing objects are fetched again: the state is read from the remote, nothing lost.
    expect(text((await reopened.get("state/a.json"))?.bytes)).toBe("kept on the remote");
    rmSync(cache, { recursive: true, force: true });
    const fresh = await openStore(repo.httpUrl, { home });
    expect(text((await fresh.get("state/a.json"))?.bytes)).toBe("kept on the remote");
  });
});
