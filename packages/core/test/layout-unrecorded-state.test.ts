import { beforeEach, describe, expect, it } from "vitest";
import { formatJson, type StackRef, type StateBackend, type UntypedDeployment } from "../src/index.js";
import { DEV, fixtureDeployment, memorySpace } from "./layout-test-helpers.js";

const STACK_KEY = ".pulumi/stacks/countdown/foo.json";

/** The fixture's deployment with a different manifest time: another state of the same stack. */
function variant(time: string): UntypedDeployment {
  const deployment = structuredClone(fixtureDeployment("checkpoint-v3.json"));
  (deployment.deployment as { manifest: { time: string } }).manifest.time = time;
  return deployment;
}

describe("a stack-file write whose history record never landed", () => {
  let space: ReturnType<typeof memorySpace>;
  let backend: StateBackend;
  beforeEach(async () => {
    space = memorySpace();
    backend = space.backend();
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, variant("2024-01-01T00:00:00Z"));
    await backend.importDeployment(DEV, variant("2024-01-02T00:00:00Z"));
  });

  /** What a writer killed between its two writes leaves: the new stack file (its `.bak` the old one), no record. */
  async function killedBetweenWrites(): Promise<void> {
    await space.put(`${STACK_KEY}.bak`, await space.text(STACK_KEY));
    const file = { version: 3, checkpoint: { stack: "organization/countdown/foo", latest: variant("2024-01-03T00:00:00Z").deployment } };
    await space.put(STACK_KEY, formatJson(file));
  }

  it("is reported by verifyHistory (the chain alone is intact), and repairHistory records it", async () => {
    expect(await backend.verifyHistory!(DEV)).toMatchObject({ ok: true, entries: 2 });
    await killedBetweenWrites();
    const report = await space.backend().verifyHistory!(DEV);
    expect(report).toMatchObject({ ok: true, entries: 2, unrecorded: { entry: STACK_KEY } });
    expect(report.break).toBeUndefined();
    expect(report.unrecorded?.problem).toContain("holds a state that no history entry records");

    expect(await space.backend().repairHistory!(DEV)).toBe(true);
    const repaired = await space.backend().verifyHistory!(DEV);
    expect(repaired).toMatchObject({ ok: true, entries: 3 });
    expect(repaired.unrecorded).toBeUndefined();
    const [newest] = await space.backend().listHistory(DEV);
    expect(newest).toMatchObject({ kind: "update", result: "failed" });
    expect(String(newest?.message)).toContain("history record was not");
    expect(await space.backend().repairHistory!(DEV)).toBe(false); // nothing left to repair
  });

  it("is not reported for a renamed stack, a stack with no history, or while a lock is held", async () => {
    const renamed: StackRef = { ...DEV, name: "bar" };
    await backend.renameStack(DEV, renamed);
    expect(await backend.verifyHistory!(renamed)).toMatchObject({ ok: true });
    expect((await backend.verifyHistory!(renamed)).unrecorded).toBeUndefined();
    const fresh: StackRef = { ...DEV, name: "fresh" };
    await backend.createStack(fresh);
    expect(await backend.verifyHistory!(fresh)).toMatchObject({ ok: true, entries: 0 });
    expect((await backend.verifyHistory!(fresh)).unrecorded).toBeUndefined();

    await backend.renameStack(renamed, DEV);
    await killedBetweenWrites();
    const lock = await space.backend().lockStack(DEV, "update"); // an update between its two writes
    expect((await space.backend().verifyHistory!(DEV)).unrecorded).toBeUndefined();
    await lock.release();
    expect(await space.backend().verifyHistory!(DEV)).toMatchObject({ ok: true, unrecorded: { entry: STACK_KEY } });
  });
});
