import { beforeEach, describe, expect, it } from "vitest";
import { formatJson, validateStackTags, type StateBackend } from "../src/index.js";
import { DEV, fixtureDeployment, fixtureText, memorySpace } from "./layout-test-helpers.js";
import { cairnErrorFrom } from "./cairn-error.js";

const STACK_KEY = ".pulumi/stacks/countdown/foo.json";

/** Pulumi's rename: every URN moves to the new stack, and the root stack resource's name (`<project>-<stack>`) with it. */
function renameFooToBar(value: unknown): unknown {
  if (typeof value === "string") {
    return value.replace(/^urn:pulumi:foo::/, "urn:pulumi:bar::").replace(/::pulumi:pulumi:Stack::countdown-foo$/, "::pulumi:pulumi:Stack::countdown-bar");
  }
  return Array.isArray(value) ? value.map(renameFooToBar) : value;
}

describe("createStoreBackend: stacks and checkpoints", () => {
  let space: ReturnType<typeof memorySpace>;
  let backend: StateBackend;
  beforeEach(() => {
    space = memorySpace();
    backend = space.backend();
  });

  it("starts a new store at meta.yaml version 1 and creates a stack as Pulumi does", async () => {
    await backend.createStack(DEV);
    expect(await space.text(".pulumi/meta.yaml")).toBe("version: 1\n");
    expect(JSON.parse(await space.text(STACK_KEY))).toEqual({ version: 0, checkpoint: { stack: "organization/countdown/foo" } });
    expect(await space.keys(".pulumi/locks/")).toEqual([]); // the create's lock is released
    expect((await cairnErrorFrom(() => backend.createStack(DEV))).code).toBe("AlreadyExists");
  });

  it("writes an imported v3 deployment in Pulumi's exact file format and exports it back", async () => {
    await backend.createStack(DEV);
    const deployment = fixtureDeployment("checkpoint-v3.json");
    await backend.importDeployment(DEV, deployment);
    // The fixture is the stack file Pulumi itself wrote for this stack, byte for byte.
    expect(await space.text(STACK_KEY)).toBe(fixtureText("checkpoint-v3.json"));
    expect(await backend.exportDeployment(DEV)).toEqual(deployment);
  });

  it.each(["checkpoint-v4.json", "checkpoint-secrets.json"])("round-trips %s through import and export", async (name) => {
    await backend.createStack(DEV);
    const deployment = fixtureDeployment(name);
    await backend.importDeployment(DEV, deployment);
    expect(await backend.exportDeployment(DEV)).toEqual(deployment);
    expect(JSON.parse(await space.text(STACK_KEY)).version).toBe(deployment.version);
  });

  it("imports a v1 deployment and exports it as v3, as Pulumi migrates it", async () => {
    await backend.createStack(DEV);
    const v1 = JSON.parse(fixtureText("checkpoint-v1.json")) as { checkpoint: { latest: Record<string, unknown> } };
    await backend.importDeployment(DEV, { version: 1, deployment: v1.checkpoint.latest });
    const exported = await backend.exportDeployment(DEV);
    // What `pulumi stack export` printed after `pulumi stack import` of this same v1 deployment.
    const migrated = JSON.parse(fixtureText("export-v1-migrated.json")) as { version: number; deployment: Record<string, unknown> };
    expect(exported.version).toBe(migrated.version);
    // Pulumi's own save also adds an empty top-level `metadata` (a v3.274 field, not part of the
    // migration); cairn does not add it, so the comparison leaves that one key out.
    const { metadata, ...body } = migrated.deployment;
    expect(metadata).toEqual({});
    expect(exported.deployment).toEqual(body);
  });

  it("exports a v1 stack file written by an old Pulumi as v3", async () => {
    await space.put(".pulumi/meta.yaml", "version: 1\n");
    await space.put(STACK_KEY, fixtureText("checkpoint-v1.json"));
    const exported = await backend.exportDeployment(DEV);
    expect(exported.version).toBe(3);
    const migrated = JSON.parse(fixtureText("export-v1-migrated.json")) as { deployment: { resources: unknown[] } };
    expect((exported.deployment as { resources: unknown[] }).resources).toEqual(migrated.deployment.resources);
  });

  it("keeps .bak, backups and history at Pulumi's keys", async () => {
    await backend.createStack(DEV);
    const created = await space.text(STACK_KEY);
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    expect(await space.text(`${STACK_KEY}.bak`)).toBe(created);

    const backups = await space.keys(".pulumi/backups/");
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^\.pulumi\/backups\/countdown\/foo\/foo\.\d{19}\.json$/);
    expect(await space.text(backups[0]!)).toBe(await space.text(STACK_KEY));

    const history = await space.keys(".pulumi/history/");
    expect(history).toHaveLength(2);
    const [checkpointKey, recordKey] = history as [string, string];
    expect(recordKey).toMatch(/^\.pulumi\/history\/countdown\/foo\/foo-\d{19}\.history\.json$/);
    expect(checkpointKey).toBe(recordKey.replace(".history.json", ".checkpoint.json"));
    expect(await space.text(checkpointKey)).toBe(await space.text(STACK_KEY));
    const record = JSON.parse(await space.text(recordKey)) as Record<string, unknown>;
    // Pulumi's fields in its order, then cairn's hash-chain fields (extras Pulumi ignores).
    expect(Object.keys(record)).toEqual(["kind", "startTime", "message", "environment", "config", "version", "result", "endTime", "checkpointSha256", "entrySha256"]);
    expect(record).toMatchObject({ kind: "import", result: "succeeded" });

    const listed = await backend.listHistory(DEV);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: "import", result: "succeeded", version: 1 });
  });

  it("honours DISABLE_CHECKPOINT_BACKUPS and RETAIN_CHECKPOINTS", async () => {
    const tuned = space.backend({ env: { PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true", PULUMI_DIY_BACKEND_RETAIN_CHECKPOINTS: "1" } });
    await tuned.createStack(DEV);
    await tuned.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    expect(await space.keys(".pulumi/backups/")).toEqual([]);
    const retained = (await space.keys(".pulumi/stacks/")).filter((key) => /\.json\.\d{19}$/.test(key));
    expect(retained).toHaveLength(2); // one per write: create and import
  });

  it("writes .json.gz with PULUMI_DIY_BACKEND_GZIP, reads it back, and switches formats cleanly", async () => {
    await backend.createStack(DEV);
    const gzip = space.backend({ env: { PULUMI_DIY_BACKEND_GZIP: "true" } });
    const deployment = fixtureDeployment("checkpoint-v3.json");
    await gzip.importDeployment(DEV, deployment);
    const stackKeys = await space.keys(".pulumi/stacks/");
    expect(stackKeys).toEqual([`${STACK_KEY}.bak`, `${STACK_KEY}.gz`]);
    expect([...(await space.store.get(`${STACK_KEY}.gz`))!.bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(await space.keys(".pulumi/backups/")).toEqual([expect.stringMatching(/foo\.\d{19}\.json\.gz$/)]);
    expect((await space.keys(".pulumi/history/")).every((key) => key.endsWith(".json.gz"))).toBe(true);
    // A reader without the switch still reads it, and writing plain JSON again replaces the .gz.
    expect(await backend.exportDeployment(DEV)).toEqual(deployment);
    await backend.importDeployment(DEV, deployment);
    expect((await space.keys(".pulumi/stacks/")).filter((key) => !key.endsWith(".bak"))).toEqual([STACK_KEY]);
    expect(await space.text(STACK_KEY)).toContain('"stack":"organization/countdown/foo"');
    expect((await backend.listHistory(DEV)).map((record) => record.kind)).toEqual(["import", "import"]);
  });

  it("reads zstd state and names a damaged zstd file", async () => {
    await backend.createStack(DEV);
    const before = await backend.exportDeployment(DEV);
    const plain = await space.store.get(STACK_KEY);
    await space.store.delete(STACK_KEY);
    const { compress } = await import("@bokuweb/zstd-wasm").then(async (zstd) => (await zstd.init(), zstd));
    await space.store.put(`${STACK_KEY}.zst`, compress(plain!.bytes, 3));
    expect(await backend.exportDeployment(DEV)).toEqual(before);
    await space.store.put(`${STACK_KEY}.zst`, new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0]));
    const error = await cairnErrorFrom(() => backend.exportDeployment(DEV));
    expect(error.message).toContain("is not a valid zstd file");
  });

  it("rejects a bad import naming the field, writing nothing", async () => {
    await backend.createStack(DEV);
    const before = await space.keys();
    const bad = structuredClone(fixtureDeployment("checkpoint-v3.json")) as { deployment: { resources: Array<Record<string, unknown>> } };
    bad.deployment.resources[3]!.urn = 7;
    for (const [document, fragment] of [
      [bad, "deployment.resources[3].urn: must be string"],
      [fixtureDeployment("checkpoint-v4-unsupported-feature.json"), 'feature "unsupported-feature"'],
      [{ version: 9, deployment: {} }, "version 9 is newer"],
    ] as const) {
      const error = await cairnErrorFrom(() => backend.importDeployment(DEV, document as never));
      expect(error.code).toBe("InvalidArgument");
      expect(error.message).toContain(fragment);
    }
    expect(await space.keys()).toEqual(before);
  });

  it("lists stacks, ignoring .bak and other files, filtered by project", async () => {
    await backend.createStack(DEV);
    await backend.createStack({ organization: "organization", project: "other", name: "prod" });
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    await space.put(".pulumi/stacks/countdown/notes.txt", "hello");
    await space.put(".pulumi/stacks/countdown/deep/x.json", "{}");
    const all = await backend.listStacks();
    expect(all.map((summary) => `${summary.ref.project}/${summary.ref.name}`).sort()).toEqual(["countdown/foo", "other/prod"]);
    const filtered = await backend.listStacks({ project: "countdown" });
    expect(filtered).toHaveLength(1);
    expect(filtered[0]!.resourceCount).toBeGreaterThan(0);
    expect(await backend.getStack({ ...DEV, name: "missing" })).toBeUndefined();
  });

  it("refuses any organization but `organization`", async () => {
    const error = await cairnErrorFrom(() => backend.createStack({ ...DEV, organization: "acme" }));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toContain('"acme"');
  });

  it("reports the OS user (or the configured one) with no organizations", async () => {
    expect(await backend.currentUser()).toEqual({ name: "alice", organizations: [] });
  });

  it("refuses to remove a stack with resources unless forced; forced, it keeps .bak and backups as Pulumi does", async () => {
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    await backend.updateStackTags!(DEV, () => ({ team: "platform" }));
    expect((await cairnErrorFrom(() => backend.removeStack(DEV))).code).toBe("InvalidArgument");
    await backend.removeStack(DEV, { force: true });
    expect(await backend.getStack(DEV)).toBeUndefined();
    expect(await space.keys(".pulumi/history/")).toEqual([]);
    expect(await space.keys(".pulumi/backups/")).not.toEqual([]);
    // The stack file becomes its .bak; the tags file goes (pkg/backend/diy/state.go removeStack).
    expect(await space.keys(".pulumi/stacks/")).toEqual([`${STACK_KEY}.bak`]);
  });

  it("removes the .bak and backups too with removeBackups", async () => {
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    await backend.removeStack(DEV, { force: true, removeBackups: true });
    expect(await space.keys(".pulumi/history/")).toEqual([]);
    expect(await space.keys(".pulumi/backups/")).toEqual([]);
    expect(await space.keys(".pulumi/stacks/")).toEqual([]);
  });

  it("keeps tags as Pulumi's <stack>.pulumi-tags, removing the file with the last tag", async () => {
    await backend.createStack(DEV);
    expect(await backend.getStackTags!(DEV)).toEqual({});
    await backend.updateStackTags!(DEV, (tags) => ({ ...tags, team: "a<b&c", owner: "alice" }));
    expect(await space.text(".pulumi/stacks/countdown/foo.pulumi-tags")).toBe('{"version":1,"tags":{"owner":"alice","team":"a<b&c"}}');
    expect(await backend.listStacks({ tagName: "owner", tagValue: "alice" })).toHaveLength(1);
    expect(await backend.listStacks({ tagName: "owner", tagValue: "bob" })).toHaveLength(0);
    expect(await backend.listStacks({ tagValue: "a<b&c" })).toHaveLength(1);
    await backend.updateStackTags!(DEV, () => ({}));
    expect(await space.keys(".pulumi/stacks/")).toEqual([STACK_KEY]);
    expect(await backend.listStacks({ tagName: "owner" })).toHaveLength(0);
  });

  it("keeps any tag, as Pulumi's DIY backend does; validateStackTags holds the service's rules", async () => {
    await backend.createStack(DEV);
    await backend.updateStackTags!(DEV, (tags) => ({ ...tags, "has space": "x" }));
    expect(await backend.getStackTags!(DEV)).toEqual({ "has space": "x" });
    const refused: Array<Record<string, string>> = [{ "": "x" }, { "has space": "x" }, { ["n".repeat(41)]: "x" }, { ok: "v".repeat(257) }];
    for (const bad of refused) {
      expect(() => validateStackTags(bad)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    }
    expect(() => validateStackTags({ "vcs:owner": "alice", "pulumi:project": "p", "a-b_c.d": "v".repeat(256) })).not.toThrow();
  });

  it("removes an empty stack by moving its file to .bak", async () => {
    await backend.createStack(DEV);
    await backend.removeStack(DEV);
    expect(await space.keys(".pulumi/stacks/")).toEqual([`${STACK_KEY}.bak`]);
    expect(await backend.listStacks()).toEqual([]);
  });

  it("renames a stack: file, history, stack name and URNs", async () => {
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    const renamed = { ...DEV, name: "bar" };
    await backend.renameStack(DEV, renamed);
    expect(await backend.getStack(DEV)).toBeUndefined();
    const stored = JSON.parse(await space.text(".pulumi/stacks/countdown/bar.json")) as { checkpoint: { stack: string } };
    expect(stored.checkpoint.stack).toBe("organization/countdown/bar");
    const exported = (await backend.exportDeployment(renamed)).deployment as {
      resources: Array<{ urn: string; parent?: string; dependencies?: string[] }>;
    };
    const original = (fixtureDeployment("checkpoint-v3.json").deployment as typeof exported).resources;
    // Every URN field moves to the new stack; nothing else in the resource changes.
    expect(exported.resources.map((resource) => [resource.urn, resource.parent, resource.dependencies])).toEqual(
      original.map((resource) => [resource.urn, resource.parent, resource.dependencies].map(renameFooToBar)),
    );
    expect(exported.resources.map((resource) => formatJson({ ...resource, urn: "", parent: "", dependencies: [] }))).toEqual(
      original.map((resource) => formatJson({ ...resource, urn: "", parent: "", dependencies: [] })),
    );
    const history = await space.keys(".pulumi/history/");
    expect(history.length).toBe(2);
    expect(history.every((key) => /^\.pulumi\/history\/countdown\/bar\/bar-\d{19}\./.test(key))).toBe(true);
    await backend.createStack(DEV);
    expect((await cairnErrorFrom(() => backend.renameStack(DEV, renamed))).code).toBe("AlreadyExists");
  });
});

describe("createStoreBackend: layout versions", () => {
  it("reads the legacy layout (no meta.yaml, stacks/<stack>.json) without writing meta.yaml", async () => {
    const space = memorySpace();
    await space.put(".pulumi/stacks/foo.json", fixtureText("checkpoint-v3.json"));
    const backend = space.backend();
    const stacks = await backend.listStacks();
    expect(stacks.map((summary) => summary.ref)).toEqual([{ organization: "organization", name: "foo" }]);
    expect(await backend.exportDeployment({ organization: "organization", project: "countdown", name: "foo" })).toEqual(
      fixtureDeployment("checkpoint-v3.json"),
    );
    expect(await space.keys(".pulumi/meta.yaml")).toEqual([]);
    expect(backend.capabilities.projectScoped).toBe(false);
  });

  it("treats meta.yaml version 0 as legacy and creates legacy stacks", async () => {
    const space = memorySpace();
    await space.put(".pulumi/meta.yaml", "version: 0\n");
    await space.backend().createStack(DEV);
    expect(await space.keys(".pulumi/stacks/")).toEqual([".pulumi/stacks/foo.json"]);
    expect(JSON.parse(await space.text(".pulumi/stacks/foo.json")).checkpoint.stack).toBe("foo");
  });

  it("starts a new store in the legacy layout with PULUMI_DIY_BACKEND_LEGACY_LAYOUT", async () => {
    const space = memorySpace({ env: { PULUMI_DIY_BACKEND_LEGACY_LAYOUT: "true" } });
    await space.backend().createStack(DEV);
    expect(await space.keys()).toEqual([".pulumi/stacks/foo.json"]);
  });

  it("refuses a meta.yaml newer than it understands, and one without a version", async () => {
    const space = memorySpace();
    await space.put(".pulumi/meta.yaml", "version: 2\n");
    const error = await cairnErrorFrom(() => space.backend().listStacks());
    expect(error.code).toBe("Unimplemented");
    expect(error.message).toContain("version 2");
    await space.put(".pulumi/meta.yaml", "other: 1\n");
    expect((await cairnErrorFrom(() => space.backend().listStacks())).message).toContain("no version");
  });
});
