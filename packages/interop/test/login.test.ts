import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "./stores.js";
import { worldPerTest, type World } from "./world.js";

const open = worldPerTest({ login: false });

/** Another tool's entries in credentials.json, which neither pulumi nor cairn may drop. */
const FOREIGN = {
  accessTokens: { "https://api.pulumi.example": "pul-foreign-token" },
  accounts: { "https://api.pulumi.example": { accessToken: "pul-foreign-token", username: "someone", lastValidatedAt: "2026-11-01T10:00:00Z" } },
};

const credentialsFile = (w: World) => join(w.home, "credentials.json");
const credentials = (w: World) => JSON.parse(readFileSync(join(w.home, "credentials.json"), "utf8")) as Record<string, unknown>;
const seedCredentials = (w: World, current?: string) => {
  writeFileSync(join(w.home, "credentials.json"), JSON.stringify({ ...(current ? { current } : {}), ...FOREIGN }, null, 4), { mode: 0o600 });
};

describe.each(STORE_NAMES)("login, whoami, logout over %s, one credentials.json", (name) => {
  it("cairn prints Pulumi's login line, and each tool sees the other's login", () => {
    const w = open(name);
    const pulumiLogin = w.pulumiOk(["login", w.store.url]);
    const pulumiWhoami = w.pulumiOk(["whoami", "-v"]);
    expect(pulumiWhoami).toContain(`Backend URL: ${w.store.url}`);
    // cairn, with nothing of its own, is logged in where pulumi logged in.
    // Pulumi's lines exactly and in order (Access token source, User, Organizations, Backend URL,
    // Token type), then cairn's own `Credential source:` line.
    const cairnWhoami = w.cairnOk(["whoami", "-v"]);
    const pulumiLines = pulumiWhoami.trimEnd().split("\n");
    expect(pulumiLines[0]).toBe("Access token source: none");
    expect(cairnWhoami.split("\n").slice(0, pulumiLines.length)).toEqual(pulumiLines);
    expect(cairnWhoami.split("\n")[pulumiLines.length]).toMatch(/^Credential source: /);
    expect(JSON.parse(w.cairnOk(["whoami", "--json"]))).toEqual(JSON.parse(w.pulumiOk(["whoami", "--json"])));
    expect(w.cairnOk(["whoami"])).toBe(w.pulumiOk(["whoami"]));

    w.pulumiOk(["logout"]);
    const cairnLogin = w.cairnOk(["login", w.store.url]);
    expect(cairnLogin).toBe(pulumiLogin);
    expect(w.pulumiOk(["whoami", "-v"])).toBe(pulumiWhoami);
  });

  it("keeps every other entry of credentials.json, whichever tool logs in or out", () => {
    const w = open(name);
    w.pulumiOk(["login", "--local"]); // creates PULUMI_HOME
    seedCredentials(w);
    w.cairnOk(["login", w.store.url]);
    expect(credentials(w)).toMatchObject({ current: w.store.url, ...FOREIGN });
    w.pulumiOk(["logout"]);
    expect(credentials(w)).toMatchObject(FOREIGN);
    expect(credentials(w).current).toBeUndefined();
    w.pulumiOk(["login", w.store.url]);
    w.cairnOk(["logout"]);
    expect(credentials(w)).toMatchObject(FOREIGN);
    expect(credentials(w).current).toBeUndefined();
  });

  it("logout --all forgets every login alike in both tools: credentials.json is removed", () => {
    const w = open(name);
    w.pulumiOk(["login", w.store.url]);
    seedCredentials(w, w.store.url);
    const pulumiOut = w.pulumiOk(["logout", "--all"]);
    // Pulumi 3.274.1 deletes the file (DeleteAllAccounts), whatever other tools kept in it.
    expect(existsSync(credentialsFile(w))).toBe(false);
    w.pulumiOk(["login", w.store.url]);
    seedCredentials(w, w.store.url);
    const cairnOut = w.cairnOk(["logout", "--all"]);
    expect(cairnOut).toBe(pulumiOut);
    expect(existsSync(credentialsFile(w))).toBe(false);
  });

  it("login writes credentials.json byte for byte as Pulumi does; logout of the only login removes it in both", () => {
    const w = open(name);
    w.pulumiOk(["login", w.store.url]);
    const pulumiBytes = readFileSync(credentialsFile(w));
    const pulumiLogout = w.pulumiOk(["logout"]);
    expect(existsSync(credentialsFile(w))).toBe(false);
    w.cairnOk(["login", w.store.url]);
    expect(readFileSync(credentialsFile(w)).toString()).toBe(pulumiBytes.toString());
    expect(w.cairnOk(["logout"])).toBe(pulumiLogout);
    expect(existsSync(credentialsFile(w))).toBe(false);
    // Logging out again (nothing current) succeeds alike in both, naming the same default backend.
    expect(w.cairnOk(["logout"])).toBe(w.pulumiOk(["logout"]));
  });

  it("with another tool's login kept, each tool's login and logout leave the same bytes", () => {
    const w = open(name);
    w.pulumiOk(["login", "--local"]);
    seedCredentials(w);
    w.pulumiOk(["login", w.store.url]);
    const afterPulumiLogin = readFileSync(credentialsFile(w), "utf8");
    w.pulumiOk(["logout"]);
    const afterPulumiLogout = readFileSync(credentialsFile(w), "utf8");
    seedCredentials(w);
    w.cairnOk(["login", w.store.url]);
    expect(readFileSync(credentialsFile(w), "utf8")).toBe(afterPulumiLogin);
    w.cairnOk(["logout"]);
    expect(readFileSync(credentialsFile(w), "utf8")).toBe(afterPulumiLogout);
  });
});

describe("file URLs with no path name the working directory in both tools", () => {
  // `file://` (empty path), `file:` and `file:<relative>` all resolve to the working directory in
  // Pulumi (massageBlobPath / gocloud's fileblob); cairn used to read them as `/`.
  for (const form of ["file://", "file:", "file:relative"]) {
    it(`${form}: same login line and URL, state in the working directory, as login, as PULUMI_BACKEND_URL and as backend.url`, () => {
      const w = open("file");
      const pulumiLogin = w.pulumiOk(["login", form]);
      expect(w.cairnOk(["whoami", "-v"])).toContain(`Backend URL: ${form}\n`);
      w.cairnOk(["stack", "init", "here"]);
      expect(existsSync(join(w.project, ".pulumi", "stacks", w.projectName, "here.json"))).toBe(true);
      expect(w.pulumiOk(["stack", "ls", "--json"])).toContain('"here"');
      w.pulumiOk(["logout"]);
      expect(w.cairnOk(["login", form])).toBe(pulumiLogin);
      expect(credentials(w).current).toBe(form);
      // The environment and the project's backend.url take the same forms.
      expect(w.cairnOk(["stack", "ls", "--json"], { env: { PULUMI_BACKEND_URL: form } })).toContain('"here"');
      w.cairnOk(["logout", "--all"]);
      writeFileSync(join(w.project, "Pulumi.yaml"), `name: ${w.projectName}\nruntime: go\nbackend:\n  url: "${form}"\n`);
      expect(w.cairnOk(["stack", "ls", "--json"])).toContain('"here"');
      expect(w.pulumiOk(["stack", "ls", "--json"])).toContain('"here"');
    });
  }
});
