import { existsSync, readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { STORE_NAMES, type StoreName } from "./stores.js";
import { createWorld, type World } from "./world.js";

let world: World | undefined;
afterEach(() => world?.dispose());
const open = (name: StoreName) => {
  world = createWorld(name);
  world.pulumiOk(["login", world.store.url]);
  return world;
};

interface ListedStack {
  name: string;
  current: boolean;
}
const names = (json: string) => (JSON.parse(json) as ListedStack[]).map((stack) => stack.name).sort();
const current = (json: string) => (JSON.parse(json) as ListedStack[]).find((stack) => stack.current)?.name;

describe.each(STORE_NAMES)("stacks over %s: what one tool makes, the other lists, selects, renames, removes", (name) => {
  it("stack init by each tool is listed by both, with one selection", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    expect(names(w.cairnOk(["stack", "ls", "--json"]))).toEqual(["dev"]);
    expect(current(w.cairnOk(["stack", "ls", "--json"]))).toBe("dev");
    w.cairnOk(["stack", "init", "prod"]);
    expect(names(w.pulumiOk(["stack", "ls", "--json"]))).toEqual(["dev", "prod"]);
    expect(current(w.pulumiOk(["stack", "ls", "--json"]))).toBe("prod");
    w.pulumiOk(["stack", "select", "dev"]);
    expect(current(w.cairnOk(["stack", "ls", "--json"]))).toBe("dev");
    w.cairnOk(["stack", "select", "prod"]);
    expect(current(w.pulumiOk(["stack", "ls", "--json"]))).toBe("prod");
    // Fully qualified and two-part names (`organization/<stack>`) name the same stacks in both.
    w.cairnOk(["stack", "select", `organization/${w.projectName}/dev`]);
    expect(current(w.pulumiOk(["stack", "ls", "--json"]))).toBe("dev");
    w.cairnOk(["stack", "select", "organization/prod"]);
    expect(current(w.pulumiOk(["stack", "ls", "--json"]))).toBe("prod");
  });

  it("rename by either tool is seen by the other, with the stack's config file moved", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.pulumiOk(["config", "set", "greeting", "hello"]);
    w.cairnOk(["stack", "rename", "staging"]);
    expect(names(w.pulumiOk(["stack", "ls", "--json"]))).toEqual(["staging"]);
    expect(w.pulumiOk(["config", "get", "greeting"]).trim()).toBe("hello");
    w.pulumiOk(["stack", "rename", "qa"]);
    expect(names(w.cairnOk(["stack", "ls", "--json"]))).toEqual(["qa"]);
    expect(w.projectFile("Pulumi.qa.yaml")).toContain("greeting");
  });

  it("rm by each tool removes what the other made (and its config file)", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "one"]);
    w.cairnOk(["stack", "init", "two"]);
    w.cairnOk(["stack", "rm", "one", "--yes"]);
    w.pulumiOk(["stack", "rm", "two", "--yes"]);
    expect(names(w.cairnOk(["stack", "ls", "--json"]))).toEqual([]);
    expect(names(w.pulumiOk(["stack", "ls", "--json"]))).toEqual([]);
  });

  it("refuses like Pulumi to remove a stack with resources without --force; --force keeps backups unless --remove-backups", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 2 });
    const pulumiRefusal = w.pulumi(["stack", "rm", "dev", "--yes"]);
    expect(pulumiRefusal.status).not.toBe(0);
    const cairnRefusal = w.cairn(["stack", "rm", "dev", "--yes"]);
    expect(cairnRefusal.status).not.toBe(0);
    expect(cairnRefusal.stderr).toMatch(/--force/);
    expect(names(w.pulumiOk(["stack", "ls", "--json"]))).toEqual(["dev"]);

    w.cairnOk(["stack", "rm", "dev", "--yes", "--force"]);
    expect(names(w.pulumiOk(["stack", "ls", "--json"]))).toEqual([]);
    if (name === "file") {
      // Pulumi keeps the .bak and backups/ without --remove-backups: so must cairn.
      const state = new URL(w.store.url).pathname;
      expect(existsSync(`${state}/.pulumi/backups/${w.projectName}/dev`)).toBe(true);
      expect(readdirSync(`${state}/.pulumi/stacks/${w.projectName}`)).toContain("dev.json.bak");
    }
  });
});
