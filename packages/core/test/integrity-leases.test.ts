import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CairnError, isUnsafeStoreAllowed, probeConditionalWrites, setUnsafeStoreAllowed } from "../src/index.js";
import { type PutOptions, type StateStore } from "../src/driver.js";
import { DEV, fixtureDeployment, memorySpace } from "./layout-test-helpers.js";
import { manualTime } from "./manual-time.js";

/** A store that accepts create-only writes and ignores them, as some S3-compatible stores do. */
function ignoringPreconditions(store: StateStore): StateStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "put") return (key: string, bytes: Uint8Array, _options?: PutOptions) => target.put(key, bytes);
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe("lock leases", () => {
  it("are renewed while the holder works, and run out once it stops", async () => {
    // Both processes read one injected clock; renewals run when the test moves it.
    const time = manualTime();
    const space = memorySpace({ now: time.now, renewalTimer: time.renewalTimer });
    const warnings: string[] = [];
    const holder = space.backend({ leaseMs: 120_000, username: "alice", hostname: "host-a" });
    const other = space.backend({ leaseMs: 120_000, username: "bob", hostname: "host-b", logger: { warn: (m) => warnings.push(m) } });
    await holder.createStack(DEV);
    const lock = await holder.lockStack(DEV, "update");
    const firstExpiry = lock.info.expires!;
    await time.advance(300_000); // well past one lease: only renewal keeps it
    expect(Date.parse(lock.info.expires!)).toBeGreaterThan(Date.parse(firstExpiry));
    await expect(other.lockStack(DEV, "update")).rejects.toMatchObject({ code: "Locked" });
    (lock as unknown as { stopRenewing(): void }).stopRenewing(); // the holder hangs: no more renewals
    await time.advance(250_000);
    const taken = await other.lockStack(DEV, "update");
    expect(taken.info.username).toBe("bob");
    expect(warnings.join("\n")).toMatch(/took over the lock on stack organization\/countdown\/foo from alice@host-a pid 4242 .*lease expired/);
    // The old holder notices on its next save: Conflict, and bob's lock and state are untouched.
    await expect(lock.save(fixtureDeployment("checkpoint-v3.json"))).rejects.toMatchObject({ code: "Conflict" });
    expect((await other.getLock(DEV))[0]?.username).toBe("bob");
    await lock.release();
    expect((await other.getLock(DEV))[0]?.username).toBe("bob");
    await taken.release();
  });

  it("fences on the stack file too: a save over state someone else wrote since locking is refused", async () => {
    const space = memorySpace();
    const writer = space.backend();
    await writer.createStack(DEV);
    const lock = await writer.lockStack(DEV, "update");
    // Someone writes the stack file behind the lock's back (a Pulumi client ignoring cairn's lock).
    const key = ".pulumi/stacks/countdown/foo.json";
    await space.put(key, (await space.text(key)).replace("{", '{ "x": 1,'.slice(0, 1)));
    const before = await space.text(key);
    const error = await lock.save(fixtureDeployment("checkpoint-v3.json")).catch((e: unknown) => e);
    expect((error as CairnError).code).toBe("Conflict");
    expect((error as CairnError).message).toMatch(/changed by another writer/);
    expect(await space.text(key)).toBe(before);
    await lock.release();
  });

  it("several saves under one lock each fence on the previous one", async () => {
    const space = memorySpace();
    const writer = space.backend();
    await writer.createStack(DEV);
    const lock = await writer.lockStack(DEV, "update");
    for (let i = 0; i < 3; i++) await lock.save(fixtureDeployment("checkpoint-v3.json"));
    await lock.release();
    expect(await writer.listHistory(DEV)).toHaveLength(3);
  });
});

describe("the precondition probe", () => {
  it("accepts a store that honours create-only writes and leaves nothing behind", async () => {
    const space = memorySpace();
    expect(await probeConditionalWrites(space.store)).toEqual({ honoured: true });
    expect(await space.keys()).toEqual([]);
  });

  it("refuses a store that ignores preconditions, saying why", async () => {
    const space = memorySpace();
    const probe = await probeConditionalWrites(ignoringPreconditions(space.store));
    expect(probe.honoured).toBe(false);
    expect(probe.reason).toMatch(/ignores preconditions/);
    expect(await space.keys()).toEqual([]);
  });
});

describe("cairn's per-backend settings", () => {
  it("remember and forget the unsafe-store opt-in per URL, outside credentials.json", async () => {
    const home = mkdtempSync(join(tmpdir(), "cairn-settings-"));
    try {
      expect(await isUnsafeStoreAllowed(home, "s3://a")).toBe(false);
      await setUnsafeStoreAllowed(home, "s3://a", true);
      await setUnsafeStoreAllowed(home, "s3://b", true);
      await setUnsafeStoreAllowed(home, "s3://b", false);
      expect(await isUnsafeStoreAllowed(home, "s3://a")).toBe(true);
      expect(await isUnsafeStoreAllowed(home, "s3://b")).toBe(false);
      expect(Object.keys(JSON.parse(readFileSync(join(home, "cairn", "settings.json"), "utf8")).backends)).toEqual(["s3://a"]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
