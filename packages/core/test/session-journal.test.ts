import { describe, expect, it } from "vitest";
import { LockedError, type JournalEntry, type JournalResource, type StackRef, type UntypedDeployment } from "../src/index.js";
import { memorySpace } from "./layout-test-helpers.js";

const REF: StackRef = { organization: "organization", project: "journal", name: "dev" };
const STACK_FILE = ".pulumi/stacks/journal/dev.json";
const JOURNAL_DIR = ".pulumi/cairn-journal/journal/dev/";
const ROOT_URN = "urn:pulumi:dev::journal::pulumi:pulumi:Stack::journal-dev";

function bucket(index: number): JournalResource {
  const name = `bucket-${index}`;
  return { urn: `urn:pulumi:dev::journal::aws:s3/bucketV2:BucketV2::${name}`, custom: true, type: "aws:s3/bucketV2:BucketV2", id: name, inputs: { bucket: name }, outputs: { arn: `arn:aws:s3:::${name}` }, parent: ROOT_URN };
}

/** What an engine's two saves per created resource look like: the step begins, the step ends. */
function createSteps(from: number, to: number): JournalEntry[] {
  const steps: JournalEntry[] = [];
  for (let index = from; index < to; index++) {
    const resource = bucket(index);
    steps.push({ op: "pending", operation: { type: "creating", resource: { urn: resource.urn, type: resource.type } } });
    steps.push({ op: "upsert", resource });
  }
  return steps;
}

function expectedAfter(count: number): UntypedDeployment {
  const resources = [{ urn: ROOT_URN, custom: false, type: "pulumi:pulumi:Stack" }, ...Array.from({ length: count }, (_, index) => bucket(index))];
  return { version: 3, deployment: { manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.0.0" }, resources } };
}

async function stackWithRoot() {
  // The holder's pid is this (live) process, so other "processes" on this host respect its lock.
  const space = memorySpace({ pid: process.pid });
  const backend = space.backend();
  await backend.createStack(REF, { initialDeployment: expectedAfter(0) });
  return { space, backend };
}

describe("update sessions over a store", () => {
  it("journal → complete: export equals the deployment, one chained history record, no journal left", async () => {
    const { space, backend } = await stackWithRoot();
    const session = await backend.beginUpdate!(REF, "update", { message: "grow" });
    const seqs: number[] = [];
    for (const step of createSteps(0, 20)) seqs.push(await session.journal(step));
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    // Pulumi, meanwhile, still finds the checkpoint as the update found it.
    expect(JSON.parse(await space.text(STACK_FILE)).checkpoint.latest.resources).toHaveLength(1);
    await session.complete("succeeded");
    expect(await backend.exportDeployment(REF)).toEqual(expectedAfter(20));
    const file = JSON.parse(await space.text(STACK_FILE));
    expect(file.checkpoint.cairnJournal).toBeUndefined();
    expect(await space.keys(JOURNAL_DIR)).toEqual([]);
    const history = await backend.listHistory(REF);
    expect(history[0]).toMatchObject({ kind: "update", result: "succeeded", message: "grow" });
    expect((await backend.verifyHistory!(REF)).ok).toBe(true);
    // The lock is free again.
    await (await backend.lockStack(REF, "check")).release();
  });

  it("compacts every N steps into a standard checkpoint that names the steps it holds", async () => {
    const space = memorySpace({ pid: process.pid, compaction: { everyEntries: 10 } });
    const backend = space.backend();
    await backend.createStack(REF, { initialDeployment: expectedAfter(0) });
    const session = await backend.beginUpdate!(REF, "update");
    for (const step of createSteps(0, 7)) await session.journal(step); // 14 steps: one compaction at 10
    const file = JSON.parse(await space.text(STACK_FILE));
    expect(file.checkpoint.cairnJournal).toEqual({ update: session.id, seq: 10 });
    expect(file.checkpoint.latest.resources).toHaveLength(6); // root + 5 buckets
    expect(await space.backend().exportDeployment(REF)).toEqual(expectedAfter(7)); // a reader replays 11..14
    await session.complete("succeeded");
    expect(await backend.exportDeployment(REF)).toEqual(expectedAfter(7));
  });

  it("a crashed update is replayed by readers, reported by force-unlock, and written by the next update", async () => {
    const { space } = await stackWithRoot();
    const crashed = space.backend({ leaseMs: 60_000 });
    const session = await crashed.beginUpdate!(REF, "update");
    for (const step of createSteps(0, 5)) await session.journal(step);
    await session.journal({ op: "pending", operation: { type: "creating", resource: { urn: bucket(5).urn, type: bucket(5).type } } });
    // The process dies here: no complete, no release.
    const warnings: string[] = [];
    const reader = space.backend({ username: "bob", pid: 5151, logger: { warn: (message) => warnings.push(message) } });
    const expected = expectedAfter(5);
    (expected.deployment as Record<string, unknown>).pending_operations = [{ type: "creating", resource: { urn: bucket(5).urn, type: bucket(5).type } }];
    expect(await reader.exportDeployment(REF)).toEqual(expected);
    expect(await reader.inspectJournal!(REF)).toMatchObject({ update: session.id, pendingEntries: 11, replayable: true });
    await expect(reader.beginUpdate!(REF, "update")).rejects.toBeInstanceOf(LockedError);
    await reader.forceUnlock(REF);
    expect(warnings.join("\n")).toMatch(/11 journaled steps/);
    const next = await reader.beginUpdate!(REF, "refresh");
    expect(JSON.parse(await space.text(STACK_FILE)).checkpoint.latest.resources).toHaveLength(6);
    expect((await reader.listHistory(REF))[0]).toMatchObject({ result: "failed", kind: "update" });
    await next.journal({ op: "settle", urn: bucket(5).urn });
    await next.complete("succeeded");
    expect(await reader.exportDeployment(REF)).toEqual(expectedAfter(5));
    expect((await reader.listHistory(REF)).map((record) => record.result)).toEqual(["succeeded", "failed"]); // newest first: this update, the recovered one
    expect((await reader.verifyHistory!(REF)).ok).toBe(true);
    expect(await space.keys(JOURNAL_DIR)).toEqual([]);
  });

  it("a journal is obsolete once the stack file is rewritten behind it (e.g. by Pulumi)", async () => {
    const { space } = await stackWithRoot();
    const session = await space.backend().beginUpdate!(REF, "update");
    for (const step of createSteps(0, 3)) await session.journal(step);
    // Pulumi force-unlocks and writes the stack from its own view.
    const pulumiFile = { version: 3, checkpoint: { stack: "organization/journal/dev", latest: expectedAfter(1).deployment } };
    await space.put(STACK_FILE, JSON.stringify(pulumiFile));
    const reader = space.backend();
    expect(await reader.exportDeployment(REF)).toEqual(expectedAfter(1));
    expect(await reader.inspectJournal!(REF)).toMatchObject({ update: session.id, replayable: false });
  });

  it("refuses a second session on the same stack with LockedError; cancel keeps what was saved", async () => {
    const { space, backend } = await stackWithRoot();
    const session = await backend.beginUpdate!(REF, "update");
    await expect(space.backend({ pid: 777, username: "bob" }).beginUpdate!(REF, "update")).rejects.toBeInstanceOf(LockedError);
    for (const step of createSteps(0, 2)) await session.journal(step);
    await session.cancel();
    await expect(session.journal({ op: "settle", urn: ROOT_URN })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(await backend.exportDeployment(REF)).toEqual(expectedAfter(2));
    expect(await backend.listHistory(REF)).toHaveLength(0); // a cancelled update is not recorded
  });

  it("full saves rewrite the checkpoint; malformed entries are refused before anything is written", async () => {
    const { space, backend } = await stackWithRoot();
    const session = await backend.beginUpdate!(REF, "update");
    await session.save(expectedAfter(3));
    expect(JSON.parse(await space.text(STACK_FILE)).checkpoint.latest.resources).toHaveLength(4);
    await expect(session.journal({ op: "upsert", resource: { urn: 5 } as unknown as JournalResource })).rejects.toMatchObject({ code: "InvalidArgument" });
    await session.journal({ op: "delete", urn: bucket(0).urn });
    await session.complete("failed");
    const expected = expectedAfter(3);
    (expected.deployment as { resources: unknown[] }).resources.splice(1, 1);
    expect(await backend.exportDeployment(REF)).toEqual(expected);
    expect((await backend.listHistory(REF))[0]?.result).toBe("failed");
  });
});
