import { describe, expect, it } from "vitest";
import { verifyHistoryArchive, type StateBackend } from "../src/index.js";
import { listAll } from "../src/driver.js";
import { DEV, fixtureDeployment, memorySpace } from "./layout-test-helpers.js";

const HISTORY = ".pulumi/history/countdown/foo/";

/** A stack with `updates` imports: history entries 1..updates. */
async function stackWithHistory(updates: number, env: Record<string, string> = {}) {
  const space = memorySpace({ env });
  const backend = space.backend();
  await backend.createStack(DEV);
  for (let i = 0; i < updates; i++) {
    const deployment = fixtureDeployment("checkpoint-v3.json");
    (deployment.deployment as { manifest: { time: string } }).manifest.time = `2024-01-0${i + 1}T00:00:00Z`;
    await backend.importDeployment(DEV, deployment, { kind: "update" });
  }
  const keys = async (suffix: string) => (await listAll(space.store, HISTORY)).map((o) => o.key).filter((k) => k.includes(suffix));
  return { space, backend, records: () => keys(".history.json"), checkpoints: () => keys(".checkpoint.json") };
}

async function breakOf(backend: StateBackend) {
  const report = await backend.verifyHistory!(DEV);
  expect(report.ok).toBe(false);
  return report.break!;
}

describe("hash-chained history", () => {
  it("records Pulumi's fields first and the chain fields as extras", async () => {
    const { space, records } = await stackWithHistory(2);
    const [first, second] = await records();
    const one = JSON.parse(await space.text(first!));
    const two = JSON.parse(await space.text(second!));
    expect(Object.keys(one).slice(0, 8)).toEqual(["kind", "startTime", "message", "environment", "config", "version", "result", "endTime"]);
    expect(one.checkpointSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(one.previousSha256).toBeUndefined();
    expect(two.previousSha256).toBe(one.entrySha256);
  });

  it("verifies an untouched stack, gzip-compressed too", async () => {
    for (const env of [{}, { PULUMI_DIY_BACKEND_GZIP: "true" }] as Array<Record<string, string>>) {
      const { backend } = await stackWithHistory(3, env);
      expect(await backend.verifyHistory!(DEV)).toMatchObject({ ok: true, entries: 3, unchained: 0 });
    }
  });

  it("detects a flipped byte in a checkpoint, naming the entry", async () => {
    const { space, backend, checkpoints } = await stackWithHistory(3);
    const target = (await checkpoints())[1]!;
    const bytes = (await space.store.get(target))!.bytes;
    bytes[40] = bytes[40]! ^ 0x01;
    await space.store.put(target, bytes);
    const broken = await breakOf(backend);
    expect(broken.position).toBe(2);
    expect(broken.problem).toMatch(/history entry 2 \(foo-\d+\.history\.json\): its checkpoint was modified/);
  });

  it("detects a flipped byte in the newest record", async () => {
    const { space, backend, records } = await stackWithHistory(2);
    const target = (await records())[1]!;
    await space.put(target, (await space.text(target)).replace('"update"', '"updatE"'));
    expect((await breakOf(backend)).problem).toMatch(/history entry 2 .* was modified/);
  });

  it("detects a deleted checkpoint object and a deleted record", async () => {
    const first = await stackWithHistory(3);
    await first.space.store.delete((await first.checkpoints())[0]!);
    expect((await breakOf(first.backend)).problem).toMatch(/history entry 1 .*its checkpoint object is missing/);

    const second = await stackWithHistory(3);
    await second.space.store.delete((await second.records())[1]!);
    const broken = await breakOf(second.backend);
    expect(broken.problem).toMatch(/history entry 2 \(foo-\d+\.history\.json\) does not follow history entry 1/);
  });

  it("detects a reordered entry", async () => {
    const { space, backend, records, checkpoints } = await stackWithHistory(3);
    const [r1, r2] = [(await records())[1]!, (await records())[2]!];
    const [c1, c2] = [(await checkpoints())[1]!, (await checkpoints())[2]!];
    // Swap entries 2 and 3 (record and checkpoint), keeping the file names in place.
    const [a, b, ca, cb] = await Promise.all([r1, r2, c1, c2].map((key) => space.text(key)));
    await space.put(r1, b!);
    await space.put(r2, a!);
    await space.put(c1, cb!);
    await space.put(c2, ca!);
    const broken = await breakOf(backend);
    expect(broken.position).toBe(2);
    expect(broken.problem).toMatch(/history entry 2 .* does not follow history entry 1/);
  });

  it("still verifies after prune --keep and --older-than, and after further updates", async () => {
    const { backend, records } = await stackWithHistory(5);
    const dry = await backend.pruneHistory!(DEV, { keep: 2, dryRun: true });
    expect(dry.removed).toHaveLength(3);
    expect(await records()).toHaveLength(5);
    const pruned = await backend.pruneHistory!(DEV, { keep: 2 });
    expect(pruned).toMatchObject({ kept: 2, dryRun: false, pruned: { prunedEntries: 3 } });
    expect(await records()).toHaveLength(2);
    expect(await backend.verifyHistory!(DEV)).toMatchObject({ ok: true, entries: 2, pruned: { prunedEntries: 3 } });
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    expect(await backend.verifyHistory!(DEV)).toMatchObject({ ok: true, entries: 3 });
    // Everything started before now: --older-than a future instant removes all, and the chain restarts from the marker.
    await backend.pruneHistory!(DEV, { olderThan: new Date(Date.now() + 60_000) });
    expect(await records()).toHaveLength(0);
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    expect(await backend.verifyHistory!(DEV)).toMatchObject({ ok: true, entries: 1, pruned: { prunedEntries: 6 } });
    expect((await backend.listHistory(DEV)).length).toBe(1);
  });

  it("detects the oldest entry deleted without a prune", async () => {
    const { space, backend, records, checkpoints } = await stackWithHistory(3);
    await space.store.delete((await records())[0]!);
    await space.store.delete((await checkpoints())[0]!);
    expect((await breakOf(backend)).problem).toMatch(/history entry 1 .* follows an entry that is missing .* an entry was deleted/);
  });

  it("accepts history records written by Pulumi (no chain fields) before cairn's", async () => {
    const { space, backend } = await stackWithHistory(0);
    const record = { kind: "update", startTime: 1, message: "", environment: {}, config: {}, version: 0, result: "succeeded", endTime: 2 };
    await space.put(`${HISTORY}foo-1000.history.json`, JSON.stringify(record));
    await space.put(`${HISTORY}foo-1000.checkpoint.json`, "{}");
    await backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json"));
    expect(await backend.verifyHistory!(DEV)).toMatchObject({ ok: true, entries: 2, unchained: 1 });
  });

  it("exports an archive that verifies with no backend, and catches tampering in it", async () => {
    const { backend } = await stackWithHistory(3);
    await backend.pruneHistory!(DEV, { keep: 2 });
    const archive = await backend.exportHistoryArchive!(DEV);
    const text = JSON.stringify(archive);
    expect(verifyHistoryArchive(text)).toMatchObject({ ok: true, entries: 2, stack: "organization/countdown/foo" });
    const tampered = structuredClone(archive);
    const checkpoint = Buffer.from(tampered.entries[1]!.checkpoint!, "base64");
    checkpoint[10] = checkpoint[10]! ^ 0x20;
    tampered.entries[1]!.checkpoint = checkpoint.toString("base64");
    expect(verifyHistoryArchive(JSON.stringify(tampered)).break?.problem).toMatch(/history entry 2 .*checkpoint was modified/);
    expect(() => verifyHistoryArchive("{}")).toThrow(/not a cairn history archive/);
  });

  it("keeps the chain across a rename", async () => {
    const { backend } = await stackWithHistory(2);
    await backend.pruneHistory!(DEV, { keep: 1 });
    const renamed = { ...DEV, name: "bar" };
    await backend.renameStack(DEV, renamed);
    expect(await backend.verifyHistory!(renamed)).toMatchObject({ ok: true, entries: 1, pruned: { prunedEntries: 1 } });
  });
});
