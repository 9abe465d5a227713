import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { STORE_NAMES, type StoreName } from "./stores.js";
import { createWorld, type World } from "./world.js";

let world: World | undefined;
afterEach(() => world?.dispose());
const open = (name: StoreName) => (world = createWorld(name));

/** Another tool's entries in credentials.json, which neither pulumi nor cairn may drop. */
const FOREIGN = {
  accessTokens: { "https://api.pulumi.example": "pul-foreign-token" },
  accounts: { "https://api.pulumi.example": { accessToken: "pul-foreign-token", username: "someone", lastValidatedAt: "2026-11-01T10:00:00Z" } },
};

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
    const cairnWhoami = w.cairnOk(["whoami", "-v"]);
    expect(cairnWhoami.split("\n").slice(0, 3)).toEqual(pulumiWhoami.split("\n").slice(0, 3));
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

  it("logout --all forgets every login alike in both tools", () => {
    const w = open(name);
    w.pulumiOk(["login", w.store.url]);
    seedCredentials(w, w.store.url);
    const pulumiOut = w.pulumiOk(["logout", "--all"]);
    const afterPulumi = credentials(w);
    w.pulumiOk(["login", w.store.url]);
    seedCredentials(w, w.store.url);
    const cairnOut = w.cairnOk(["logout", "--all"]);
    expect(cairnOut).toBe(pulumiOut);
    expect(credentials(w)).toEqual(afterPulumi);
  });
});
