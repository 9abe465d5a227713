import { writeFileSync } from "node:fs";
import { join } from "node:path";
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

interface Deployment {
  version: number;
  deployment: { resources?: Array<{ urn: string; type: string; parent?: string }> } | null;
}
const exported = (json: string) => JSON.parse(json) as Deployment;
const urns = (d: Deployment) => (d.deployment?.resources ?? []).map((r) => r.urn).sort();

describe.each(STORE_NAMES)("state over %s: export, import, history, tags both ways", (name) => {
  it("a stack `pulumi up` wrote exports the same from both tools, and cairn's import of it is what pulumi exports", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 3 });
    const fromPulumi = w.pulumiOk(["stack", "export"]);
    const fromCairn = w.cairnOk(["stack", "export"]);
    expect(exported(fromCairn)).toEqual(exported(fromPulumi));
    // 3 components + 3 children + the stack resource
    expect(urns(exported(fromCairn))).toHaveLength(7);

    w.pulumiOk(["stack", "init", "copy"]);
    const file = join(w.root, "dev.json");
    writeFileSync(file, fromPulumi);
    w.cairnOk(["stack", "import", "--file", file]);
    expect(exported(w.pulumiOk(["stack", "export"]))).toEqual(exported(fromPulumi));
    // Pulumi's engine takes the imported state as its own: a preview finds nothing to change.
    const preview = JSON.parse(w.drive("preview", "copy", { components: 3 }).stdout) as { changeSummary: Record<string, number> };
    expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
  });

  it("pulumi imports what cairn exports and keeps updating it", () => {
    const w = open(name);
    w.cairnOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 2 });
    const file = join(w.root, "cairn-export.json");
    writeFileSync(file, w.cairnOk(["stack", "export"]));
    w.cairnOk(["stack", "init", "other"]);
    w.pulumiOk(["stack", "import", "--file", file]);
    expect(exported(w.cairnOk(["stack", "export"]))).toEqual(exported(w.pulumiOk(["stack", "export", "--stack", "dev"])));
    const up = JSON.parse(w.drive("up", "other", { components: 4 }).stdout) as { summary: { resourceChanges: Record<string, number> } };
    expect(up.summary.resourceChanges).toMatchObject({ create: 4, same: 5 });
  });

  it("an export of a stack never updated is `deployment: null` in both, and imports back", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "empty"]);
    const fromPulumi = exported(w.pulumiOk(["stack", "export"]));
    expect(exported(w.cairnOk(["stack", "export"]))).toEqual(fromPulumi);
  });

  it("history: each tool lists the other's updates, newest first, with the same kinds and versions", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 1 });
    const file = join(w.root, "state.json");
    writeFileSync(file, w.pulumiOk(["stack", "export"]));
    w.cairnOk(["stack", "import", "--file", file]);
    w.drive("up", "dev", { components: 2 });
    const pulumiHistory = JSON.parse(w.pulumiOk(["stack", "history", "--json"])) as Array<{ kind: string; version: number; result: string }>;
    const cairnHistory = JSON.parse(w.cairnOk(["stack", "history", "--json"])) as Array<{ kind: string; version: number; result: string }>;
    const summary = (h: Array<{ kind: string; version: number; result: string }>) => h.map(({ kind, version, result }) => ({ kind, version, result }));
    expect(summary(cairnHistory)).toEqual(summary(pulumiHistory));
    expect(pulumiHistory.map((u) => u.kind)).toEqual(["update", "import", "update"]);
  });

  it("stack tags set by pulumi are read by cairn and the other way round", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.pulumiOk(["stack", "tag", "set", "team", "platform"]);
    expect(JSON.parse(w.cairnOk(["stack", "tag", "ls", "--json"]))).toMatchObject({ team: "platform" });
    w.cairnOk(["stack", "tag", "set", "owner", "alice"]);
    expect(JSON.parse(w.pulumiOk(["stack", "tag", "ls", "--json"]))).toMatchObject({ team: "platform", owner: "alice" });
    w.cairnOk(["stack", "tag", "rm", "team"]);
    expect(JSON.parse(w.pulumiOk(["stack", "tag", "ls", "--json"]))).not.toHaveProperty("team");
  });
});
