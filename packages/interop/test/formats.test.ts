import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "./stores.js";
import { worldPerTest, type World } from "./world.js";

const open = worldPerTest();

interface Deployment {
  version: number;
  features?: string[];
  deployment: { resources?: Array<{ urn: string; type: string; taint?: boolean }> } | null;
}
const parse = (json: string) => JSON.parse(json) as Deployment;

/** Both tools list the same stacks and export the same deployment of `stack`. */
function expectSameView(w: World, stack: string): Deployment {
  const names = (json: string) => (JSON.parse(json) as Array<{ name: string }>).map((s) => s.name).sort();
  expect(names(w.cairnOk(["stack", "ls", "--json"]))).toEqual(names(w.pulumiOk(["stack", "ls", "--json"])));
  const fromPulumi = parse(w.pulumiOk(["stack", "export", "--stack", stack]));
  expect(parse(w.cairnOk(["stack", "export", "--stack", stack]))).toEqual(fromPulumi);
  return fromPulumi;
}

describe.each(STORE_NAMES)("state formats over %s: everything Pulumi writes, cairn reads and keeps", (name) => {
  it("a v4 checkpoint with Pulumi's `taint` feature is read, verified and re-imported by cairn, then read back by pulumi", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 2 });
    const component = parse(w.pulumiOk(["stack", "export"])).deployment!.resources!.find((r) => r.type === "cairn:interop:Component")!;
    w.pulumiOk(["state", "taint", component.urn, "--yes"]);
    const tainted = expectSameView(w, "dev");
    expect(tainted.deployment!.resources!.find((r) => r.urn === component.urn)!.taint).toBe(true);
    w.cairnOk(["stack", "verify"]);
    // cairn writes it back (an import of the same state); pulumi reads the feature and the taint.
    const file = join(w.root, "tainted.json");
    writeFileSync(file, JSON.stringify(tainted));
    w.cairnOk(["stack", "import", "--file", file]);
    expect(parse(w.pulumiOk(["stack", "export"]))).toEqual(tainted);
    w.pulumiOk(["state", "untaint", component.urn, "--yes"]);
    expect(parse(w.cairnOk(["stack", "export"])).deployment!.resources!.find((r) => r.urn === component.urn)!.taint).toBeUndefined();
  });

  it.each([
    ["gzip", ".json.gz", "PULUMI_DIY_BACKEND_GZIP"],
    ["zstd", ".json.zst", "PULUMI_DIY_BACKEND_ZSTD"],
  ])("%s stacks: pulumi's %s is read by cairn, and cairn's is read by pulumi", (_compression, _suffix, switchName) => {
    const w = open(name, { [switchName]: "true" });
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 2 });
    expectSameView(w, "dev");
    w.cairnOk(["stack", "init", "cairn-made"]);
    const file = join(w.root, "dev.json");
    writeFileSync(file, w.pulumiOk(["stack", "export", "--stack", "dev"]));
    w.cairnOk(["stack", "import", "--file", file, "--force"]);
    expectSameView(w, "cairn-made");
    expect(w.drive("up", "cairn-made", { components: 2 }).status).toBe(0);
  });

  it("a stack switched between plain and gzip keeps one truth: the newest file, as Pulumi reads it", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 1 });
    // Pulumi with gzip on writes dev.json.gz beside the old dev.json; both tools must read the newer.
    w.drive("up", "dev", { components: 3, env: { PULUMI_DIY_BACKEND_GZIP: "true" } });
    expect(expectSameView(w, "dev").deployment!.resources).toHaveLength(7);
    // cairn, writing plain again, must not leave the stale .gz to win
    const file = join(w.root, "one.json");
    w.drive("up", "dev", { components: 1, env: { PULUMI_DIY_BACKEND_GZIP: "true" } });
    writeFileSync(file, w.pulumiOk(["stack", "export"]));
    w.cairnOk(["stack", "import", "--file", file]);
    expect(expectSameView(w, "dev").deployment!.resources).toHaveLength(3);
    if (name === "file") {
      // an old plain file touched into the future is what Pulumi then reads; so does cairn
      const state = new URL(w.store.url).pathname;
      utimesSync(join(state, ".pulumi/stacks", w.projectName, "dev.json"), new Date(), new Date(Date.now() + 60_000));
      expectSameView(w, "dev");
    }
  });

  it("a legacy-layout store made by pulumi is read by cairn; `cairn state upgrade` gives what `pulumi state upgrade` gives", () => {
    const legacy = { PULUMI_DIY_BACKEND_LEGACY_LAYOUT: "true", PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR: "true", PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true" };
    const w = open(name, legacy);
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 1 });
    w.pulumiOk(["stack", "init", "prod"]);
    expectSameView(w, "dev");
    // `prod` has no resources to tell its project: Pulumi (non-interactive) would skip it and leave
    // it unreachable in the upgraded store; cairn refuses, changing nothing, until it is named.
    const refused = w.cairn(["state", "upgrade", "--yes"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--project prod=<project>");
    expectSameView(w, "dev");
    w.cairnOk(["state", "upgrade", "--yes", "--project", `prod=${w.projectName}`]);
    // Pulumi, without the legacy switches, reads the upgraded store as its own project-scoped one.
    const upgraded = { env: { PULUMI_DIY_BACKEND_LEGACY_LAYOUT: undefined, PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR: undefined } };
    const names = (JSON.parse(w.pulumiOk(["stack", "ls", "--json"], upgraded)) as Array<{ name: string }>).map((s) => s.name).sort();
    expect(names).toEqual(["dev", "prod"]);
    expect(w.drive("up", "dev", { components: 2, env: upgraded.env }).status).toBe(0);
  });

  it("a store pulumi upgraded with `pulumi state upgrade` is read by cairn", () => {
    const legacy = { PULUMI_DIY_BACKEND_LEGACY_LAYOUT: "true", PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR: "true", PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true" };
    const w = open(name, legacy);
    w.cairnOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 1 });
    expectSameView(w, "dev");
    w.pulumiOk(["state", "upgrade", "--yes"]);
    expectSameView(w, "dev");
  });
});
