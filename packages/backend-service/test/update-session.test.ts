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

describe("saving through the service's lock", () => {
  it("saves checkpoints while held, and refuses a save once the lock is released or lost, writing nothing", async () => {
    const backend = fixture.backend();
    const ref: StackRef = { organization: "organization", project: "sessions", name: `held${Date.now().toString(36)}` };
    const start = sampleDeployment();
    (start.deployment as Resources).resources = (start.deployment as Resources).resources.slice(0, 1);
    await backend.createStack(ref, { initialDeployment: start });
    const lock = await backend.lockStack(ref, "update");
    await lock.save(sampleDeployment());
    await lock.release();
    expect(await backend.exportDeployment(ref)).toEqual(sampleDeployment());
    const history = await backend.listHistory(ref);
    await expect(lock.save(start)).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringMatching(/already released/) });
    // Lost: someone else ends the update (`cairn cancel`); the service refuses the old token.
    const lost = await backend.lockStack(ref, "update");
    await fixture.backend().forceUnlock(ref);
    await expect(lost.save(start)).rejects.toMatchObject({ code: "Conflict" });
    await lost.release().catch(() => {});
    expect(await backend.exportDeployment(ref)).toEqual(sampleDeployment());
    expect(await backend.listHistory(ref)).toHaveLength(history.length + 1); // the cancelled update only
  });
});
