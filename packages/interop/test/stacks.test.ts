import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "./stores.js";
import { worldPerTest } from "./world.js";

const open = worldPerTest();

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

  if (name === "file") {
    for (const flags of [["--force"], ["--force", "--remove-backups"]]) {
      it(`stack rm ${flags.join(" ")} leaves exactly the files Pulumi leaves (tags, .bak, backups, history, .attrs)`, () => {
        const w = open(name);
        const state = new URL(w.store.url).pathname;
        const left = (stack: string) => filesOf(join(state, ".pulumi"), stack);
        for (const stack of ["bypulumi", "bycairn"]) {
          w.pulumiOk(["stack", "init", stack]);
          w.drive("up", stack, { components: 1 });
          w.pulumiOk(["stack", "tag", "set", "team", "platform", "--stack", stack]);
        }
        w.pulumiOk(["stack", "rm", "bypulumi", "--yes", ...flags]);
        w.cairnOk(["stack", "rm", "bycairn", "--yes", ...flags]);
        expect(left("bycairn")).toEqual(left("bypulumi"));
        expect(left("bycairn").some((file) => file.endsWith(".pulumi-tags"))).toBe(false);
        expect(left("bycairn").some((file) => file.includes("history/"))).toBe(false);
      });
    }
  }
});

/**
 * The files under `.pulumi` that belong to `stack`, with the stack's name replaced by `<stack>`
 * and Unix-nanosecond stamps by `<nanos>`, so two stacks' leftovers compare. cairn's own
 * bookkeeping (`cairn-index`, `cairn-journal`) and empty lock directories are not compared.
 */
function filesOf(root: string, stack: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), path);
      else if (path.split("/").includes(stack) || entry.name.startsWith(`${stack}.`) || entry.name.startsWith(`${stack}-`)) files.push(path);
    }
  };
  walk(root, "");
  return files
    .filter((file) => !file.startsWith("cairn-") && !file.startsWith("locks/"))
    .map((file) => file.split(stack).join("<stack>").replace(/\d{16,}/g, "<nanos>"))
    .sort();
}
