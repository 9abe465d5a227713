import { describe, expect, it } from "vitest";
import { CAIRN_LOCK_FILE, CairnError, createStoreBackend, type LockInfo } from "../src/index.js";
import { forwardingStore } from "../src/driver.js";
import { DEV, fixtureDeployment, memorySpace } from "./layout-test-helpers.js";
import { cairnErrorFrom } from "./cairn-error.js";

const LOCK_DIR = ".pulumi/locks/organization/countdown/foo";

describe("stack locks", () => {
  it("lets exactly one of 20 concurrent lockStack calls from two backends win", async () => {
    const space = memorySpace();
    const first = space.backend({ username: "alice", hostname: "host-a", pid: 101 });
    const second = space.backend({ username: "bob", hostname: "host-b", pid: 202 });
    await first.createStack(DEV);
    const attempts = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? first : second).lockStack(DEV, `update-${index}`));
    const results = await Promise.allSettled(attempts);
    const winners = results.filter((result) => result.status === "fulfilled");
    expect(winners).toHaveLength(1);
    const winner = (winners[0] as PromiseFulfilledResult<Awaited<(typeof attempts)[number]>>).value;
    for (const result of results) {
      if (result.status === "fulfilled") continue;
      const error = result.reason as CairnError & { lock: LockInfo };
      expect(error.code).toBe("Locked");
      expect(error.lock).toMatchObject({
        username: winner.info.username,
        hostname: winner.info.hostname,
        pid: winner.info.pid,
        timestamp: winner.info.timestamp,
        operation: winner.info.operation,
      });
      expect(error.message).toContain(`${winner.info.username}@${winner.info.hostname}`);
    }
    expect(await space.keys(".pulumi/locks/")).toEqual([`${LOCK_DIR}/${CAIRN_LOCK_FILE}`]);
    // The lock file still parses as Pulumi's lockContent, with our operation and lease expiry beside it.
    expect(Object.keys(JSON.parse(await space.text(`${LOCK_DIR}/${CAIRN_LOCK_FILE}`)))).toEqual(["pid", "username", "hostname", "timestamp", "operation", "expires", "nonce"]);
    await winner.release();
    expect(await space.keys(".pulumi/locks/")).toEqual([]);
    const next = await second.lockStack(DEV, "refresh");
    await next.release();
  });

  it("respects a lock file written by Pulumi (random UUID name, four fields)", async () => {
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    const pulumiLock = `${LOCK_DIR}/3f2b8c1e-5d7a-4c1b-9e2f-0a1b2c3d4e5f.json`;
    await space.put(pulumiLock, JSON.stringify({ pid: 777, username: "carol", hostname: "ci-runner", timestamp: "2024-05-01T10:00:00.123456789Z" }));

    const error = (await cairnErrorFrom(() => backend.lockStack(DEV, "update"))) as CairnError & { lock: LockInfo };
    expect(error.code).toBe("Locked");
    expect(error.lock).toMatchObject({ pid: 777, username: "carol", hostname: "ci-runner", timestamp: "2024-05-01T10:00:00.123456789Z", key: pulumiLock });
    expect(await space.keys(".pulumi/locks/")).toEqual([pulumiLock]); // ours was taken back

    // Operations that lock internally refuse too, and write nothing.
    const before = await space.keys();
    expect((await cairnErrorFrom(() => backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json")))).code).toBe("Locked");
    expect(await space.keys()).toEqual(before);

    expect(await backend.getLock(DEV)).toEqual([expect.objectContaining({ username: "carol", pid: 777 })]);
  });

  it("force-unlocks every holder and reports who held the lock", async () => {
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    const held = await backend.lockStack(DEV, "destroy");
    await space.put(`${LOCK_DIR}/0b1c2d3e-aaaa-bbbb-cccc-111122223333.json`, JSON.stringify({ pid: 9, username: "dave", hostname: "h", timestamp: "2024-01-01T00:00:00Z" }));
    const broken = await backend.forceUnlock(DEV);
    expect(broken.map((info) => info.username).sort()).toEqual(["alice", "dave"]);
    expect(broken.find((info) => info.username === "alice")?.operation).toBe("destroy");
    expect(await space.keys(".pulumi/locks/")).toEqual([]);

    // Someone else takes the lock; the old holder's release must not delete the new holder's file.
    const successor = await space.backend({ username: "erin" }).lockStack(DEV, "update");
    await held.release();
    expect(await backend.getLock(DEV)).toEqual([expect.objectContaining({ username: "erin", operation: "update" })]);
    await successor.release();
  });

  it("imports while the caller holds the lock by saving through it, one history record per save", async () => {
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    const lock = await backend.lockStack(DEV, "import");
    expect((await cairnErrorFrom(() => backend.importDeployment(DEV, fixtureDeployment("checkpoint-v3.json")))).code).toBe("Locked");
    await lock.save(fixtureDeployment("checkpoint-v3.json"));
    await lock.save(fixtureDeployment("checkpoint-v3.json"), { kind: "update" });
    await lock.release();
    expect((await backend.getStack(DEV))?.resourceCount).toBeGreaterThan(0);
    expect((await backend.listHistory(DEV)).map((record) => record.kind)).toEqual(["update", "import"]);
  });

  it("refuses a save through a released lock, writing nothing, even when no one else holds the stack", async () => {
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    const lock = await backend.lockStack(DEV, "update");
    await lock.release();
    const key = ".pulumi/stacks/countdown/foo.json";
    const before = await space.text(key);
    const error = await cairnErrorFrom(() => lock.save(fixtureDeployment("checkpoint-v3.json")));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toMatch(/already released/);
    expect(await space.text(key)).toBe(before);
    expect(await backend.listHistory(DEV)).toEqual([]);
  });

  it("saves under a lease held outside the layout (adoptLease): no lock file, fenced by beforeWrite, refused once released", async () => {
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    const lease = backend.adoptLease!(DEV, { pid: 1, username: "server", hostname: "h", timestamp: new Date(0).toISOString(), operation: "update" });
    const locks: string[][] = [];
    await lease.save(fixtureDeployment("checkpoint-v3.json"), { kind: "update", beforeWrite: async () => void locks.push(await space.keys(".pulumi/locks/")) });
    expect(locks).toEqual([[]]);
    const before = await space.text(".pulumi/stacks/countdown/foo.json");
    const refused = await cairnErrorFrom(() => lease.save(fixtureDeployment("checkpoint-v3.json"), { beforeWrite: async () => { throw new CairnError("Conflict", "lease lost"); } }));
    expect(refused.message).toBe("lease lost");
    await lease.release();
    expect((await cairnErrorFrom(() => lease.save(fixtureDeployment("checkpoint-v3.json")))).code).toBe("InvalidArgument");
    expect(await space.text(".pulumi/stacks/countdown/foo.json")).toBe(before);
    expect((await backend.listHistory(DEV)).map((record) => record.kind)).toEqual(["update"]);
  });

  it("refuses an invalid deployment saved through the lock before touching the store", async () => {
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    const lock = await backend.lockStack(DEV, "update");
    const keys = await space.keys();
    expect((await cairnErrorFrom(() => lock.save({ version: 3 } as never))).code).toBe("InvalidArgument");
    expect(await space.keys()).toEqual(keys);
    await lock.release();
  });

  it("uses the legacy lock directory .pulumi/locks/<stack>/ in the legacy layout", async () => {
    const space = memorySpace({ env: { PULUMI_DIY_BACKEND_LEGACY_LAYOUT: "1" } });
    const lock = await space.backend().lockStack(DEV, "update");
    expect(await space.keys(".pulumi/locks/")).toEqual([`.pulumi/locks/foo/${CAIRN_LOCK_FILE}`]);
    await lock.release();
  });

  it("refuses to lock on a store without conditional writes unless unsafe locking is allowed", async () => {
    const space = memorySpace();
    const plain = forwardingStore(space.store, { capabilities: { conditionalWrite: false } });
    const error = await cairnErrorFrom(() => createStoreBackend(plain, { env: {} }).lockStack(DEV, "update"));
    expect(error.code).toBe("Unimplemented");
    expect(error.hint).toMatch(/unsafe/);
    const unsafe = createStoreBackend(plain, { env: {}, allowUnsafeLocking: true, username: "frank" });
    const lock = await unsafe.lockStack(DEV, "update");
    expect((await cairnErrorFrom(() => unsafe.lockStack(DEV, "update"))).code).toBe("Locked");
    await lock.release();
  });
});
