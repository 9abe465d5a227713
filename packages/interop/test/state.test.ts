import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "./stores.js";
import { worldPerTest } from "./world.js";

const open = worldPerTest();

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

    const file = join(w.root, "dev.json");
    writeFileSync(file, fromPulumi);
    // Into the stack it came from: Pulumi's engine takes the imported state as its own, so a
    // preview finds nothing to change.
    w.cairnOk(["stack", "import", "--file", file]);
    expect(exported(w.pulumiOk(["stack", "export"]))).toEqual(exported(fromPulumi));
    const preview = JSON.parse(w.drive("preview", "dev", { components: 3 }).stdout) as { changeSummary: Record<string, number> };
    expect(Object.keys(preview.changeSummary)).toEqual(["same"]);

    // Into another stack both tools refuse without --force (the URNs name `dev`), and take it with it.
    w.pulumiOk(["stack", "init", "copy"]);
    const pulumiRefusal = w.pulumi(["stack", "import", "--file", file]);
    const cairnRefusal = w.cairn(["stack", "import", "--file", file]);
    expect(pulumiRefusal.status).not.toBe(0);
    expect(cairnRefusal.status).toBe(2);
    expect(pulumiRefusal.stderr).toMatch(/--force/);
    expect(cairnRefusal.stderr).toMatch(/is from a different stack \(dev != copy\)/);
    expect(cairnRefusal.stderr).toMatch(/--force/);
    w.cairnOk(["stack", "import", "--file", file, "--force"]);
    expect(exported(w.pulumiOk(["stack", "export"]))).toEqual(exported(fromPulumi));
  });

  it("pulumi imports what cairn exports and keeps updating it", () => {
    const w = open(name);
    w.cairnOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 2 });
    const file = join(w.root, "cairn-export.json");
    writeFileSync(file, w.cairnOk(["stack", "export"]));
    // The same stack: Pulumi keeps updating what cairn exported.
    w.pulumiOk(["stack", "import", "--file", file]);
    const up = JSON.parse(w.drive("up", "dev", { components: 4 }).stdout) as { summary: { resourceChanges: Record<string, number> } };
    expect(up.summary.resourceChanges).toMatchObject({ create: 4, same: 5 });
    // Another stack needs --force in Pulumi too.
    writeFileSync(file, w.cairnOk(["stack", "export"]));
    w.cairnOk(["stack", "init", "other"]);
    expect(w.pulumi(["stack", "import", "--file", file]).status).not.toBe(0);
    w.pulumiOk(["stack", "import", "--file", file, "--force"]);
    // Pulumi seals the secrets again with `other`'s own key, so compare what is not a ciphertext.
    expect(urns(exported(w.cairnOk(["stack", "export"])))).toEqual(urns(exported(w.pulumiOk(["stack", "export", "--stack", "dev"]))));
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
    // Pulumi's DIY backend prints version 0; cairn numbers them (1 = oldest), a deliberate extension.
    const summary = (h: Array<{ kind: string; result: string }>) => h.map(({ kind, result }) => ({ kind, result }));
    expect(summary(cairnHistory)).toEqual(summary(pulumiHistory));
    expect(pulumiHistory.map((u) => u.kind)).toEqual(["update", "import", "update"]);
    expect(pulumiHistory.map((u) => u.version)).toEqual([0, 0, 0]);
    expect(cairnHistory.map((u) => u.version)).toEqual([3, 2, 1]);
    // Every other field Pulumi prints is there under the same name with the same value.
    for (const [index, update] of pulumiHistory.entries()) {
      const { version: _pulumiVersion, ...fields } = update as unknown as Record<string, unknown>;
      expect(cairnHistory[index]).toMatchObject(fields);
    }
  });

  it("stack export --version N is the deployment after the Nth update, whichever tool made it", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 1 });
    const afterFirst = w.pulumiOk(["stack", "export"]);
    w.drive("up", "dev", { components: 2 });
    expect(exported(w.cairnOk(["stack", "export", "--version", "1"]))).toEqual(exported(afterFirst));
    expect(exported(w.cairnOk(["stack", "export", "--version", "2"]))).toEqual(exported(w.pulumiOk(["stack", "export"])));
    expect(w.cairn(["stack", "export", "--version", "3"]).status).toBe(3);
    expect(w.cairn(["stack", "export", "--version", "x"]).status).toBe(2);
    // Pulumi's self-managed backend has no past versions to export: cairn's is an extension.
    expect(w.pulumi(["stack", "export", "--version", "1"]).status).not.toBe(0);
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
    expect(w.cairnOk(["stack", "tag", "get", "owner"]).trim()).toBe("alice");
    expect(w.cairn(["stack", "tag", "get", "team"]).status).toBe(3);
    expect(w.pulumi(["stack", "tag", "get", "team"]).status).not.toBe(0);
    // Removing a tag the stack lacks succeeds in both; the last tag's removal leaves no tags.
    w.cairnOk(["stack", "tag", "rm", "nope"]);
    w.pulumiOk(["stack", "tag", "rm", "nope"]);
    w.cairnOk(["stack", "tag", "rm", "owner"]);
    expect(JSON.parse(w.pulumiOk(["stack", "tag", "ls", "--json"]))).toEqual({});
    expect(JSON.parse(w.cairnOk(["stack", "tag", "ls", "--json"]))).toEqual({});
    // `stack ls --tag` filters alike.
    w.cairnOk(["stack", "tag", "set", "tier", "gold"]);
    w.pulumiOk(["stack", "init", "plain"]);
    const listed = (json: string) => (JSON.parse(json) as Array<{ name: string }>).map((stack) => stack.name).sort();
    for (const filter of ["tier", "tier=gold", "tier=silver"]) {
      expect(listed(w.cairnOk(["stack", "ls", "--tag", filter, "--json"]))).toEqual(listed(w.pulumiOk(["stack", "ls", "--tag", filter, "--json"])));
    }
    if (name === "file") {
      const state = new URL(w.store.url).pathname;
      w.pulumiOk(["stack", "tag", "set", "team", "platform", "--stack", "plain"]);
      const tagsFile = join(state, ".pulumi", "stacks", w.projectName, "plain.pulumi-tags");
      w.cairnOk(["stack", "tag", "set", "owner", "bob", "--stack", "plain"]);
      expect(readFileSync(tagsFile, "utf8")).toBe('{"version":1,"tags":{"owner":"bob","team":"platform"}}');
      w.cairnOk(["stack", "tag", "rm", "owner", "--stack", "plain"]);
      w.cairnOk(["stack", "tag", "rm", "team", "--stack", "plain"]);
      // Pulumi removes the file with the last tag, and fileblob its .attrs sidecar: so does cairn.
      expect(existsSync(tagsFile)).toBe(false);
      expect(existsSync(`${tagsFile}.attrs`)).toBe(false);
    }
  });

});

// gocloud's fileblob (Pulumi on file://) keeps a `.attrs` sidecar beside each object: a file-store matter only.
describe("state over file: fileblob's .attrs sidecars", () => {
  it("every .attrs sidecar matches its file after cairn overwrites and removes what Pulumi wrote", () => {
    const w = open("file");
    const state = new URL(w.store.url).pathname;
    w.pulumiOk(["stack", "init", "dev"]);
    w.drive("up", "dev", { components: 1 });
    const file = join(w.root, "state.json");
    writeFileSync(file, w.pulumiOk(["stack", "export"]));
    w.cairnOk(["stack", "import", "--file", file]);
    w.pulumiOk(["stack", "init", "gone"]);
    w.pulumiOk(["stack", "tag", "set", "a", "b", "--stack", "gone"]);
    w.cairnOk(["stack", "rm", "gone", "--yes", "--remove-backups"]);
    const sidecars = walk(join(state, ".pulumi")).filter((path) => path.endsWith(".attrs"));
    expect(sidecars.length).toBeGreaterThan(0);
    for (const sidecar of sidecars) {
      const object = sidecar.slice(0, -".attrs".length);
      expect(existsSync(object), `${sidecar} describes a file that is gone`).toBe(true);
      const { md5 } = JSON.parse(readFileSync(sidecar, "utf8")) as { md5: string };
      expect(md5, `${sidecar} is stale`).toBe(createHash("md5").update(readFileSync(object)).digest("base64"));
    }
    // Pulumi reads what cairn left, and (fileblob) a file with no sidecar at all.
    expect(exported(w.pulumiOk(["stack", "export", "--stack", "dev"]))).toEqual(exported(w.cairnOk(["stack", "export", "--stack", "dev"])));
    for (const sidecar of sidecars) rmSync(sidecar);
    expect(exported(w.pulumiOk(["stack", "export", "--stack", "dev"]))).toEqual(exported(w.cairnOk(["stack", "export", "--stack", "dev"])));
    expect(w.drive("up", "dev", { components: 1 }).status).toBe(0);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
}
