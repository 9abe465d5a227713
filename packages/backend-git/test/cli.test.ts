import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, inject } from "vitest";
import { checkCliLifecycle, createCliSandbox, type CliSandbox } from "@cairn/test-servers/cli-sandbox";
import { credentialEnv, freshRepo } from "./helpers.js";

const AUTHOR = { GIT_AUTHOR_NAME: "Cairn Test", GIT_AUTHOR_EMAIL: "test@cairn.invalid" };
let cli: CliSandbox;
afterEach(() => cli.dispose());

describe("cairn CLI over git", () => {
  it("git+http://: login, init, ls, import, export, history, rm, logout", () => {
    cli = createCliSandbox({ ...AUTHOR, ...credentialEnv() });
    checkCliLifecycle(cli, freshRepo().httpUrl, { secrets: [inject("gitPassword")], credentialSource: "env:GIT_TOKEN" });
  });

  it("git+file://: the same lifecycle against a bare repository on disk", () => {
    cli = createCliSandbox(AUTHOR);
    checkCliLifecycle(cli, freshRepo().fileUrl);
  });

  it("stack history is the git log: one entry per write of the stack", () => {
    cli = createCliSandbox({ ...AUTHOR, ...credentialEnv() });
    expect(cli.run(["login", freshRepo().httpUrl]).status).toBe(0);
    expect(cli.run(["stack", "init", "dev"]).status).toBe(0);
    const history = JSON.parse(cli.run(["stack", "history", "--json"]).stdout) as Array<{ message: string }>;
    expect(history.length).toBeGreaterThan(0);
    expect(history[0]?.message).toContain("organization/demo/dev");
  });

  it("wrong credentials: exit 7 with a hint, the secret never printed, nothing stored", () => {
    cli = createCliSandbox({ ...AUTHOR, GIT_TOKEN: `${inject("gitUser")}:not-the-password-xyz` });
    const result = cli.run(["login", freshRepo().httpUrl]);
    expect(result.status).toBe(7);
    expect(result.stderr).toContain("GIT_TOKEN");
    expect(result.stdout + result.stderr).not.toContain("not-the-password-xyz");
    expect(cli.storedCredentials()).toBe("");
  });

  it("a missing repository: exit 3 saying how to create it; an unknown parameter: exit 2 naming the allowed ones", () => {
    cli = createCliSandbox({ ...AUTHOR, ...credentialEnv() });
    const missing = cli.run(["login", `git+${inject("gitHttpBase")}/no-such-repo.git`]);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/repository exists|git init --bare/);
    const unknown = cli.run(["login", `${freshRepo().httpUrl}?branch=main`]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("ref, path");
    expect(cli.storedCredentials()).toBe("");
  });

  it("a failed login leaves no clone cache behind under PULUMI_HOME; a successful one keeps its cache", () => {
    const caches = () => {
      const dir = join(cli.home, "cairn", "git-cache");
      return existsSync(dir) ? readdirSync(dir) : [];
    };
    cli = createCliSandbox({ ...AUTHOR, GIT_TOKEN: `${inject("gitUser")}:not-the-password-xyz` });
    expect(cli.run(["login", freshRepo().httpUrl]).status).toBe(7); // refused credentials
    expect(cli.run(["login", `git+${inject("gitHttpBase")}/no-such-repo.git`], credentialEnv()).status).toBe(3); // no such repository
    expect(caches()).toEqual([]);
    expect(existsSync(join(cli.home, "cairn"))).toBe(false);
    expect(cli.run(["login", freshRepo().fileUrl]).status).toBe(0);
    expect(caches()).toHaveLength(1);
  });
});
