import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LockedError, type StackRef } from "@cairn/core";
import { sampleDeployment } from "@cairn/conformance";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

let fixture: ServerFixture;
beforeAll(async () => {
  fixture = await startServerFixture();
});
afterAll(async () => {
  await fixture?.dispose();
});

type Resources = { resources: Array<{ urn: string; type: string }> };

describe("beginUpdate on the service", () => {
  it("runs journal steps through the service's update lifecycle: locked while running, exported and recorded after", async () => {
    const backend = fixture.backend();
    const ref: StackRef = { organization: "organization", project: "sessions", name: `dev${Date.now().toString(36)}` };
    const full = sampleDeployment();
    const start = sampleDeployment();
    (start.deployment as Resources).resources = (full.deployment as Resources).resources.slice(0, 1);
    await backend.createStack(ref, { initialDeployment: start });
    const session = await backend.beginUpdate!(ref, "update");
    await expect(fixture.backend().beginUpdate!(ref, "update")).rejects.toBeInstanceOf(LockedError);
    for (const resource of (full.deployment as Resources).resources.slice(1)) {
      await session.journal({ op: "pending", operation: { type: "creating", resource: { urn: resource.urn, type: resource.type } } });
      await session.journal({ op: "upsert", resource });
    }
    await session.complete("succeeded");
    expect(await backend.exportDeployment(ref)).toEqual(full);
    expect((await backend.listHistory(ref))[0]).toMatchObject({ result: "succeeded" });
    await (await backend.beginUpdate!(ref, "refresh")).cancel();
  });
});
