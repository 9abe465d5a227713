import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { CREDENTIAL_HINT, GIT_CREDENTIAL_SOURCES } from "../src/git-credentials.js";

const TOKEN = "ghp_token-never-shown";

/** The source `whoami -v` would show; opening a git store contacts no server. */
async function sourceOf(url: string, env: Record<string, string>, storedCredential?: string): Promise<string | undefined> {
  const home = await mkdtemp(join(tmpdir(), "cairn-git-source-"));
  const store = await plugin.open(new URL(url), { home, cwd: home, env, ...(storedCredential === undefined ? {} : { storedCredential }) });
  try {
    return store.credentialSource;
  } finally {
    await store.close();
  }
}

describe("GitStore.credentialSource names the token's source, never the token", () => {
  it.each([
    ["GIT_TOKEN (wins over the others)", { GIT_TOKEN: `ci:${TOKEN}`, GITHUB_TOKEN: TOKEN }, undefined, "env:GIT_TOKEN"],
    ["GITHUB_TOKEN", { GITHUB_TOKEN: TOKEN, GITLAB_TOKEN: TOKEN }, undefined, "env:GITHUB_TOKEN"],
    ["GITLAB_TOKEN", { GITLAB_TOKEN: TOKEN }, undefined, "env:GITLAB_TOKEN"],
    ["the token stored at login", {}, `ci:${TOKEN}`, "stored"],
    ["no token", {}, undefined, "none"],
  ])("%s", async (_label, env, stored, expected) => {
    const source = await sourceOf("git+https://git.example.invalid/team/state.git", env, stored);
    expect(source).toBe(expected);
    expect(source).not.toContain(TOKEN);
  });

  it("git+file:// uses no credential", async () => {
    expect(await sourceOf("git+file:///tmp/no-such-repo.git", { GIT_TOKEN: TOKEN })).toBe("none");
  });
});

describe("the credential order, stated once", () => {
  it("is the order the exported list gives, the hint names and resolution follows", () => {
    expect(GIT_CREDENTIAL_SOURCES.map((source) => source.id)).toEqual(["env:GIT_TOKEN", "env:GITHUB_TOKEN", "env:GITLAB_TOKEN", "stored"]);
    expect(CREDENTIAL_HINT).toMatch(/^set GIT_TOKEN, GITHUB_TOKEN or GITLAB_TOKEN \(user:token or a token\), or run `cairn login <url>`/);
  });
});
