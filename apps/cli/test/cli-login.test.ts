import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, type Sandbox } from "./helpers.js";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.dispose());

/** Pulumi deletes credentials.json once it holds no backend; read that as empty. */
const credentials = () => {
  const file = join(sandbox.home, "credentials.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
};

describe("cairn login / whoami / logout", () => {
  it("logs in to a file:// backend, stores it as current in Pulumi's credentials.json, mode 0600", () => {
    const login = sandbox.run(["login", sandbox.stateUrl]);
    expect(login.stderr).toBe("");
    expect(login.status).toBe(0);
    expect(login.stdout).toBe(`Logged in to ${hostname()} as ${sandbox.run(["whoami"]).stdout.trim()} (${sandbox.stateUrl})\n`);
    expect(credentials().current).toBe(sandbox.stateUrl);
    expect(Object.keys(credentials().accounts)).toEqual([sandbox.stateUrl]);
    expect(statSync(join(sandbox.home, "credentials.json")).mode & 0o777).toBe(0o600);
    // Logging in creates the layout's meta.yaml, as Pulumi does for a new store.
    expect(readFileSync(join(sandbox.state, ".pulumi", "meta.yaml"), "utf8")).toMatch(/version: 1/);
  });

  it("whoami prints the user; -v adds the URL; --json has Pulumi's fields", () => {
    sandbox.run(["login", sandbox.stateUrl]);
    const plain = sandbox.run(["whoami"]);
    expect(plain.status).toBe(0);
    const user = plain.stdout.trim();
    expect(user.length).toBeGreaterThan(0);
    // Pulumi's lines in its order, then cairn's own.
    expect(sandbox.run(["whoami", "-v"]).stdout.split("\n")).toEqual([
      "Access token source: none",
      `User: ${user}`,
      "Organizations: ",
      `Backend URL: ${sandbox.stateUrl}`,
      "Token type: personal",
      "Credential source: local files (operating-system permissions; no credential)",
      "",
    ]);
    // Pulumi's `whoAmIJSON`: no `organizations` when there are none, no `tokenInformation` for a store.
    const json = JSON.parse(sandbox.run(["whoami", "--json"]).stdout);
    expect(json).toEqual({ user, url: sandbox.stateUrl });
  });

  it("whoami without a login says how to log in", () => {
    const result = sandbox.run(["whoami"]);
    expect(result.status).toBe(7);
    expect(result.stderr).toContain("cairn login");
  });

  it("PULUMI_BACKEND_URL overrides the stored current backend", () => {
    sandbox.run(["login", sandbox.stateUrl]);
    const other = `file://${join(sandbox.root, "other")}`;
    const result = sandbox.run(["whoami", "--json"], { env: { PULUMI_BACKEND_URL: other } });
    expect(JSON.parse(result.stdout).url).toBe(other);
  });

  it("logout of the current backend removes it; logging out again succeeds as in Pulumi", () => {
    sandbox.run(["login", sandbox.stateUrl]);
    const first = sandbox.run(["logout"]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(`Logged out of ${sandbox.stateUrl}\n`);
    expect(credentials().current).toBeUndefined();
    expect(credentials().accounts?.[sandbox.stateUrl]).toBeUndefined();
    const again = sandbox.run(["logout", sandbox.stateUrl]);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(`Logged out of ${sandbox.stateUrl}\n`);
    expect(sandbox.run(["logout", sandbox.stateUrl, "--force"]).status).toBe(0);
    // Nothing current: Pulumi logs out of its default backend, and so does cairn.
    expect(sandbox.run(["logout"]).stdout).toBe("Logged out of https://api.pulumi.com\n");
  });

  it("logout --all removes every stored credential", () => {
    sandbox.run(["login", sandbox.stateUrl]);
    sandbox.run(["login", `file://${join(sandbox.root, "second")}`]);
    expect(Object.keys(credentials().accounts)).toHaveLength(2);
    const result = sandbox.run(["logout", "--all"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("Logged out of everything\n");
    expect(existsSync(join(sandbox.home, "credentials.json"))).toBe(false);
  });

  it("logout --cloud-url works but warns that it is deprecated", () => {
    sandbox.run(["login", sandbox.stateUrl]);
    const result = sandbox.run(["logout", "--cloud-url", sandbox.stateUrl]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("deprecated");
  });

  it("rejects malformed URLs and unknown schemes without writing credentials", () => {
    const bad = sandbox.run(["login", "not a url"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/error: .*url/i);
    const unknown = sandbox.run(["login", "nosuchscheme://bucket"]);
    expect(unknown.status).toBe(8);
    expect(unknown.stderr).toContain("cairn-backend-nosuchscheme");
    expect(unknown.stderr).toContain("@cairn/backend-nosuchscheme");
    expect(existsSync(join(sandbox.home, "credentials.json"))).toBe(false);
  });

  it("creates a missing PULUMI_HOME and credentials directory owner-only (0700), their token files 0600", () => {
    const home = join(sandbox.root, "fresh", "pulumi-home");
    const credentialsDir = join(sandbox.root, "fresh-credentials", "nested");
    const env = { PULUMI_HOME: home, PULUMI_CREDENTIALS_PATH: credentialsDir };
    expect(sandbox.run(["login", sandbox.stateUrl], { env }).status).toBe(0);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(home)).toBe(0o700);
    expect(mode(join(home, "cairn"))).toBe(0o700);
    expect(mode(credentialsDir)).toBe(0o700);
    expect(mode(join(credentialsDir, "credentials.json"))).toBe(0o600);
  });

  it.each([["\n", "a newline"], ["\r", "a carriage return"], ["\t", "a tab"]])("refuses a URL containing %j (which URL parsing would silently drop), storing nothing", (char, name) => {
    const url = `${sandbox.stateUrl.slice(0, 12)}${char}${sandbox.stateUrl.slice(12)}`;
    const result = sandbox.run(["login", url]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(name);
    expect(existsSync(join(sandbox.home, "credentials.json"))).toBe(false);
    expect(existsSync(sandbox.state)).toBe(false);
  });

  it("rejects unknown flags with a usage error", () => {
    const result = sandbox.run(["login", "--frobnicate"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option");
  });

  it("logout --local logs out of file://~", () => {
    expect(sandbox.run(["login", "--local"], { env: { HOME: sandbox.root } }).status).toBe(0);
    expect(sandbox.run(["logout", "--local"], { env: { HOME: sandbox.root } }).status).toBe(0);
    expect(credentials().accounts?.["file://~"]).toBeUndefined();
    expect(sandbox.run(["logout", "--local", "file:///elsewhere"]).status).toBe(2);
  });

  it("--local is file://~", () => {
    const result = sandbox.run(["login", "--local"], { env: { HOME: sandbox.root } });
    expect(result.status).toBe(0);
    expect(credentials().current).toBe("file://~");
    expect(existsSync(join(sandbox.root, ".pulumi", "meta.yaml"))).toBe(true);
  });
});
