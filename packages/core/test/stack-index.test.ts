import { describe, expect, it } from "vitest";
import { countingStore, createStoreBackend, type StackRef } from "../src/index.js";
import { type StateStore } from "../src/driver.js";
import { stackRefFromKey } from "../src/layout/files/paths.js";
import { memorySpace } from "./layout-test-helpers.js";

const ref = (project: string, name: string): StackRef => ({ organization: "organization", project, name });

function deployment(resources: number) {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-02-03T04:05:06Z", magic: "", version: "v3.0.0" },
      resources: Array.from({ length: resources }, (_, index) => ({ urn: `urn:pulumi:s::p::t:x:Y::r${index}`, type: "t:x:Y", custom: true })),
    },
  };
}

/** A counted backend over the space's store, as a second process would open it. */
function countedBackend(store: StateStore) {
  const counted = countingStore(store);
  return { counted, backend: createStoreBackend(counted.store, { env: {}, username: "alice", hostname: "host-a", pid: process.pid }) };
}

describe("the per-project stack index", () => {
  it("lists 12 stacks in 3 projects with one listing and one read per project", async () => {
    const space = memorySpace();
    const writer = space.backend();
    for (const project of ["a", "b", "c"]) {
      for (let index = 0; index < 4; index++) {
        await writer.createStack(ref(project, `s${index}`));
        await writer.importDeployment(ref(project, `s${index}`), deployment(index + 1));
      }
    }
    expect(await space.keys(".pulumi/cairn-index/")).toEqual([".pulumi/cairn-index/a.json", ".pulumi/cairn-index/b.json", ".pulumi/cairn-index/c.json"]);
    const { counted, backend } = countedBackend(space.store);
    const stacks = await backend.listStacks();
    expect(stacks).toHaveLength(12);
    expect(stacks.find((stack) => stack.ref.project === "b" && stack.ref.name === "s2")).toMatchObject({ resourceCount: 3, lastUpdate: new Date("2026-02-03T04:05:06Z") });
    // meta.yaml + the stacks listing + 3 index reads: no stack file is read.
    expect(counted.traffic).toMatchObject({ list: 1, get: 4, put: 0 });
  });

  it("detects a stack written behind cairn's back (as Pulumi would) and rebuilds just that entry", async () => {
    const space = memorySpace();
    const writer = space.backend();
    for (let index = 0; index < 3; index++) await writer.createStack(ref("p", `s${index}`));
    await writer.listStacks();
    // Pulumi rewrites s1 with 7 resources and creates s9; neither updates cairn's index.
    const pulumiFile = (name: string) => JSON.stringify({ version: 3, checkpoint: { stack: `organization/p/${name}`, latest: deployment(7).deployment } });
    await space.put(".pulumi/stacks/p/s1.json", pulumiFile("s1"));
    await space.put(".pulumi/stacks/p/s9.json", pulumiFile("s9"));
    const { counted, backend } = countedBackend(space.store);
    const counts = Object.fromEntries((await backend.listStacks()).map((stack) => [stack.ref.name, stack.resourceCount]));
    expect(counts).toEqual({ s0: 0, s1: 7, s2: 0, s9: 7 });
    expect(counted.traffic.get).toBe(1 + 1 + 2); // meta.yaml, the index, the two changed stack files
    const index = JSON.parse(await space.text(".pulumi/cairn-index/p.json"));
    expect(index.stacks.s1.resourceCount).toBe(7);
    expect(index.stacks.s9.resourceCount).toBe(7);
    // Rebuilt: the next listing trusts it again.
    counted.reset();
    await backend.listStacks();
    expect(counted.traffic.get).toBe(1);
  });

  it("drops removed stacks and survives a corrupt index", async () => {
    const space = memorySpace();
    const writer = space.backend();
    await writer.createStack(ref("p", "keep"));
    await writer.createStack(ref("p", "gone"));
    await writer.removeStack(ref("p", "gone"));
    expect(Object.keys(JSON.parse(await space.text(".pulumi/cairn-index/p.json")).stacks)).toEqual(["keep"]);
    await space.put(".pulumi/cairn-index/p.json", "{not json");
    expect((await space.backend().listStacks()).map((stack) => stack.ref.name)).toEqual(["keep"]);
    expect(Object.keys(JSON.parse(await space.text(".pulumi/cairn-index/p.json")).stacks)).toEqual(["keep"]);
  });

  it("keeps index and journal keys out of stack listing and Pulumi's layout rules", () => {
    for (const key of [".pulumi/cairn-index/p.json", ".pulumi/cairn-journal/p/dev/u/0000000001.json", ".pulumi/cairn-journal/p/dev.json"]) {
      expect(stackRefFromKey("project", key)).toBeUndefined();
      expect(stackRefFromKey("legacy", key)).toBeUndefined();
    }
  });
});

describe("round trips per save", () => {
  it("reads a stack file with one get once its key is known, and copies .bak from bytes already read", async () => {
    const space = memorySpace();
    const { counted, backend } = countedBackend(space.store);
    await backend.createStack(ref("p", "dev"));
    await backend.importDeployment(ref("p", "dev"), deployment(3));
    counted.reset();
    await backend.exportDeployment(ref("p", "dev"));
    // One get of the stack file, one listing of its journal directory (crash replay); no suffix listing.
    expect(counted.traffic).toMatchObject({ get: 1, list: 1 });
    counted.reset();
    await backend.importDeployment(ref("p", "dev"), deployment(4));
    // The stack file is read once (for fencing) and never re-read to copy it to .bak.
    // Two gets in all: the stack file (for fencing) and the newest history record (for the chain).
    expect(counted.traffic.get).toBe(2);
    expect(JSON.parse(await space.text(".pulumi/stacks/p/dev.json.bak")).checkpoint.latest.resources).toHaveLength(3);
  });
});
