import { afterEach, describe, expect, it, vi } from "vitest";
import { CairnError, createStoreBackend, isCairnError, type JournalEntry, type StateBackend, type StoreBackendOptions } from "../src/index.js";
import { withRetry } from "../src/driver.js";
import { classifiedStore } from "../src/store/classified-store.js";
import { cairnErrorFrom } from "./cairn-error.js";
import { DEV, fixtureDeployment, memorySpace } from "./layout-test-helpers.js";
import { lostAnswerStore } from "./lost-answer-store.js";

// A write whose answer is lost landed all the same; its retry then fails its own precondition.
// These tests run the real layout over a real (memory) store behind a driver that retries like
// the cloud drivers do and loses chosen answers (see lost-answer-store.ts).

const LOCK_KEY = ".pulumi/locks/organization/countdown/foo/cairn.json";
const STACK_KEY = ".pulumi/stacks/countdown/foo.json";
const encode = (text: string) => new TextEncoder().encode(text);

function faultySpace(options: StoreBackendOptions = {}) {
  const space = memorySpace();
  const faulty = lostAnswerStore(space.store);
  const backend = (extra: StoreBackendOptions = {}): StateBackend =>
    createStoreBackend(faulty, { env: {}, username: "alice", hostname: "host-a", pid: process.pid, ...options, ...extra });
  return { space, faulty, backend };
}

describe("withRetry and ambiguity", () => {
  it("marks the error it finally throws ambiguous once any try failed ambiguously", async () => {
    let tries = 0;
    const error = await cairnErrorFrom(() =>
      withRetry(async () => {
        tries++;
        if (tries === 1) throw new CairnError("Unavailable", "reset after sending", { retryable: true });
        throw new CairnError("Conflict", "precondition failed");
      }, { baseDelayMs: 0 }),
    );
    expect([error.code, error.ambiguous, tries]).toEqual(["Conflict", true, 2]);
  });

  it("leaves a first-try Conflict unambiguous, and never retries an ambiguous failure of a non-idempotent call", async () => {
    const plain = await cairnErrorFrom(() => withRetry(async () => { throw new CairnError("Conflict", "taken"); }));
    expect(plain.ambiguous).toBe(false);
    let tries = 0;
    const once = await cairnErrorFrom(() =>
      withRetry(async () => {
        tries++;
        throw new CairnError("Unavailable", "reset after sending", { retryable: true });
      }, { baseDelayMs: 0, idempotent: false }),
    );
    expect([once.ambiguous, tries]).toEqual([true, 1]);
    // A clean failure (refused: nothing was sent) is retried even then.
    tries = 0;
    await withRetry(async () => {
      if (++tries === 1) throw new CairnError("Unavailable", "connection refused", { retryable: true, ambiguous: false });
    }, { baseDelayMs: 0, idempotent: false });
    expect(tries).toBe(2);
  });
});

describe("a conditional write retried after a lost answer", () => {
  it("a create-only put reports success with the stored version when the bytes identify the write", async () => {
    const { space, faulty } = faultySpace();
    faulty.faults.push({ matches: (operation, key) => operation === "put" && key === "k", kind: "lost-answer" });
    const version = await classifiedStore(faulty).put("k", encode("mine: nonce 1"), { ifNoneMatch: "*", bytesIdentifyWrite: true });
    expect(faulty.writes).toEqual(["put k", "put k"]); // it was retried, and the first try landed
    expect(version).toBe((await space.store.get("k"))?.version);
  });

  it("stays an (ambiguous) Conflict without the caller's word that equal bytes are its own", async () => {
    const { faulty } = faultySpace();
    faulty.faults.push({ matches: (operation, key) => operation === "put" && key === "k", kind: "lost-answer" });
    const error = await cairnErrorFrom(() => classifiedStore(faulty).put("k", encode("5"), { ifNoneMatch: "*" }));
    expect([error.code, error.ambiguous]).toEqual(["Conflict", true]);
  });

  it("stays a Conflict when a concurrent writer wrote different bytes in the window", async () => {
    const { space, faulty } = faultySpace();
    faulty.faults.push({
      matches: (operation, key) => operation === "put" && key === "k",
      kind: "not-sent",
      meanwhile: async () => void (await space.store.put("k", encode("theirs: nonce 2"), { ifNoneMatch: "*" })),
    });
    const error = await cairnErrorFrom(() => classifiedStore(faulty).put("k", encode("mine: nonce 1"), { ifNoneMatch: "*", bytesIdentifyWrite: true }));
    expect([error.code, error.ambiguous]).toEqual(["Conflict", true]);
    expect(new TextDecoder().decode((await space.store.get("k"))?.bytes)).toBe("theirs: nonce 2");
  });

  it("loses no update in a counter race where both writers write the same bytes outside a lock", async () => {
    const { space, faulty } = faultySpace();
    await space.store.put("counter", encode("4"));
    const read = (await space.store.get("counter"))!;
    // Both read 4 and write 5; the other writer lands in our window, our own try never arrives.
    faulty.faults.push({
      matches: (operation, key) => operation === "put" && key === "counter",
      kind: "not-sent",
      meanwhile: async () => void (await space.store.put("counter", encode("5"), { ifMatch: read.version })),
    });
    const store = classifiedStore(faulty);
    const error = await cairnErrorFrom(() => store.put("counter", encode("5"), { ifMatch: read.version }));
    expect(error.code).toBe("Conflict"); // so the counter's re-read loop counts again: 6, not a lost 5
    const again = (await store.get("counter"))!;
    await store.put("counter", encode(String(Number(new TextDecoder().decode(again.bytes)) + 1)), { ifMatch: again.version });
    expect(new TextDecoder().decode((await space.store.get("counter"))?.bytes)).toBe("6");
  });
});

describe("the layout's writes after a lost answer", () => {
  afterEach(() => void vi.useRealTimers());

  it("lockStack gets the lock when its lock-file create landed but the answer was lost", async () => {
    const { space, faulty, backend } = faultySpace();
    const mine = backend();
    await mine.createStack(DEV);
    faulty.faults.push({ matches: (operation, key, options) => operation === "put" && key === LOCK_KEY && options.ifNoneMatch === "*", kind: "lost-answer" });
    const from = faulty.writes.length;
    const lock = await mine.lockStack(DEV, "update");
    expect(faulty.writes.slice(from).filter((write) => write === `put ${LOCK_KEY}`)).toHaveLength(2);
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
    expect(await space.keys(".pulumi/locks/")).toEqual([]);
  });

  it("lockStack still reports another holder that took the lock in the window", async () => {
    const { space, faulty, backend } = faultySpace();
    const mine = backend();
    await mine.createStack(DEV);
    const other = space.backend({ username: "bob", hostname: "host-b", pid: 777 });
    faulty.faults.push({
      matches: (operation, key) => operation === "put" && key === LOCK_KEY,
      kind: "not-sent",
      meanwhile: async () => void (await other.lockStack(DEV, "refresh")),
    });
    const error = await cairnErrorFrom(() => mine.lockStack(DEV, "update"));
    expect(error.code).toBe("Locked");
    expect(error.message).toContain("bob@host-b pid 777");
  });

  it("the lock file's nonce tells us from a twin with our user, host, pid and clock that took the lock in the window", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T12:00:00Z"));
    const { space, faulty, backend } = faultySpace({ now: () => Date.parse("2026-12-01T12:00:00Z") });
    const mine = backend();
    await mine.createStack(DEV);
    const twin = space.backend({ pid: process.pid, now: () => Date.parse("2026-12-01T12:00:00Z") });
    faulty.faults.push({
      matches: (operation, key) => operation === "put" && key === LOCK_KEY,
      kind: "not-sent",
      meanwhile: async () => void (await twin.lockStack(DEV, "update")),
    });
    const error = await cairnErrorFrom(() => mine.lockStack(DEV, "update"));
    expect(error.code).toBe("Locked");
  });

  it("a renewal that landed though every try's answer was lost: the next save still holds the lock, and release removes the renewed file", async () => {
    const { space, faulty, backend } = faultySpace();
    const mine = backend();
    await mine.createStack(DEV);
    const lock = await mine.lockStack(DEV, "update");
    const renewal = (operation: string, key: string, options: { ifMatch?: string }) => operation === "put" && key === LOCK_KEY && options.ifMatch !== undefined;
    // The first try lands and its answer is lost; the four retries never reach the store.
    faulty.faults.push({ matches: renewal, kind: "lost-answer" }, ...Array.from({ length: 4 }, () => ({ matches: renewal, kind: "not-sent" as const })));
    const deployment = fixtureDeployment("checkpoint-v3.json");
    expect((await cairnErrorFrom(() => lock.save(deployment))).code).toBe("Unavailable");
    // The lock file now holds our renewal, of a version this holder never heard of. It is still ours (our nonce).
    await lock.save(deployment);
    expect(await mine.getLock(DEV)).toEqual([expect.objectContaining({ pid: process.pid })]);
    await lock.release();
    expect(await space.keys(".pulumi/locks/")).toEqual([]);
  });

  it("release removes our lock file when the renewal before it landed unheard (no save in between)", async () => {
    const { space, faulty, backend } = faultySpace();
    const mine = backend();
    await mine.createStack(DEV);
    const lock = await mine.lockStack(DEV, "update");
    const renewal = (operation: string, key: string, options: { ifMatch?: string }) => operation === "put" && key === LOCK_KEY && options.ifMatch !== undefined;
    faulty.faults.push({ matches: renewal, kind: "lost-answer" }, ...Array.from({ length: 4 }, () => ({ matches: renewal, kind: "not-sent" as const })));
    expect((await cairnErrorFrom(() => lock.save(fixtureDeployment("checkpoint-v3.json")))).code).toBe("Unavailable");
    await lock.release();
    // Left behind, it would be a lock of our own that the next lockStack reports as someone's.
    expect(await space.keys(".pulumi/locks/")).toEqual([]);
    await (await mine.lockStack(DEV, "update")).release();
  });

  it("a fenced stack-file write under our lock reports written when it landed but the answer was lost", async () => {
    const { space, faulty, backend } = faultySpace();
    const mine = backend();
    await mine.createStack(DEV);
    const lock = await mine.lockStack(DEV, "update");
    faulty.faults.push({ matches: (operation, key, options) => operation === "put" && key === STACK_KEY && options.ifMatch !== undefined, kind: "lost-answer" });
    const deployment = fixtureDeployment("checkpoint-v3.json");
    const from = faulty.writes.length;
    await lock.save(deployment);
    expect(faulty.writes.slice(from).filter((write) => write === `put ${STACK_KEY}`)).toHaveLength(2);
    const stored = (await space.backend().exportDeployment(DEV)).deployment as { resources: unknown[] };
    expect(stored.resources).toHaveLength((deployment.deployment as { resources: unknown[] }).resources.length);
    // The lock knows the version it wrote: the next fenced write goes through.
    await lock.save(deployment);
    await lock.release();
  });

  it("a fenced write still refuses when someone else changed the stack file in the window", async () => {
    const { space, faulty, backend } = faultySpace();
    const mine = backend();
    await mine.createStack(DEV);
    const lock = await mine.lockStack(DEV, "update");
    const before = (await space.store.get(STACK_KEY))!;
    faulty.faults.push({
      matches: (operation, key, options) => operation === "put" && key === STACK_KEY && options.ifMatch !== undefined,
      kind: "not-sent",
      // A writer that took the stack over (its lease ran out) saved other bytes meanwhile.
      meanwhile: async () => void (await space.store.put(STACK_KEY, encode(new TextDecoder().decode(before.bytes).replace("{", '{ "taken": 1,')), { ifMatch: before.version })),
    });
    const error = await cairnErrorFrom(() => lock.save(fixtureDeployment("checkpoint-v3.json")));
    expect(error.code).toBe("Conflict");
    expect(error.message).toContain("nothing was written");
    await lock.release();
  });

  it("a journal entry whose create landed but whose answer was lost is acknowledged once", async () => {
    const { faulty, backend } = faultySpace();
    const mine = backend();
    await mine.createStack(DEV);
    const session = await mine.beginUpdate!(DEV, "update");
    faulty.faults.push({ matches: (operation, key) => operation === "put" && key.includes("/cairn-journal/") && key.endsWith("0000000001.json"), kind: "lost-answer" });
    const entry: JournalEntry = { op: "upsert", resource: { urn: "urn:pulumi:foo::countdown::pulumi:pulumi:Stack::countdown-foo", custom: false, type: "pulumi:pulumi:Stack" } };
    expect(await session.journal(entry)).toBe(1);
    expect(faulty.writes.filter((write) => write.endsWith("0000000001.json"))).toHaveLength(2);
    await session.complete("succeeded");
    expect((await mine.exportDeployment(DEV)).deployment).toMatchObject({ resources: [expect.objectContaining({ type: "pulumi:pulumi:Stack" })] });
  });

  it("a plain Conflict (no ambiguous try before it) is never read back as ours", async () => {
    const { space, faulty } = faultySpace();
    await space.store.put("k", encode("same"));
    const error = await cairnErrorFrom(() => classifiedStore(faulty).put("k", encode("same"), { ifNoneMatch: "*", bytesIdentifyWrite: true }));
    expect(isCairnError(error, "Conflict") && !error.ambiguous).toBe(true);
  });
});
