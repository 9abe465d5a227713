import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStoreBackend, isCairnError, type CairnError } from "../src/index.js";
import { CairnError as DriverError, orCanceled, withFileLock, withRetry, type Clock, type StateStore } from "../src/driver.js";
import { memorySpace } from "./layout-test-helpers.js";

/**
 * A clock that never moves: its `sleep` never resolves by itself. A waiter on it is released only
 * by its signal — so a test that ends proves the abort (not time passing) ended the wait.
 * `waiting` resolves once something sleeps on it.
 */
function stoppedClock() {
  let started!: () => void;
  const waiting = new Promise<void>((resolve) => (started = resolve));
  const clock: Clock = {
    now: () => 0,
    sleep: () => {
      started();
      return new Promise<void>(() => {});
    },
  };
  return { clock, waiting };
}

async function failure(promise: Promise<unknown>): Promise<CairnError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isCairnError(error)) throw new Error(`expected a CairnError, got ${String(error)}`);
  return error;
}

describe("cancellation", () => {
  it("an abort ends withRetry's backoff wait at once with Canceled, ambiguous after an ambiguous try, and no further try", async () => {
    const { clock, waiting } = stoppedClock();
    const controller = new AbortController();
    let tries = 0;
    const retried = withRetry(
      async () => {
        tries++;
        throw new DriverError("Unavailable", "503 from the store");
      },
      { clock, signal: controller.signal },
    );
    await waiting;
    controller.abort();
    const error = await failure(retried);
    expect(error.code).toBe("Canceled");
    expect(error.ambiguous).toBe(true); // the 503'd try may have landed
    expect(tries).toBe(1);
  });

  it("withRetry with an already fired signal runs no try", async () => {
    let tries = 0;
    const error = await failure(withRetry(async () => ++tries, { signal: AbortSignal.abort() }));
    expect(error.code).toBe("Canceled");
    expect(error.ambiguous).toBe(false);
    expect(tries).toBe(0);
  });

  it("a try the signal aborts in flight fails Canceled whatever the SDK threw: ambiguous for a write, not for a read or a connection never made", async () => {
    const inFlight = (write: boolean, thrown: () => unknown) => {
      const controller = new AbortController();
      return failure(
        withRetry(
          async () => {
            controller.abort();
            throw thrown();
          },
          { signal: controller.signal, write, what: "put a/b", mapError: (error) => new DriverError("Unavailable", `mapped: ${String(error)}`, { cause: error }) },
        ),
      );
    };
    const reset = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const write = await inFlight(true, reset);
    expect([write.code, write.ambiguous, write.message]).toEqual(["Canceled", true, "put a/b canceled"]);
    const read = await inFlight(false, reset);
    expect([read.code, read.ambiguous]).toEqual(["Canceled", false]);
    const refused = await inFlight(true, () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    expect([refused.code, refused.ambiguous]).toEqual(["Canceled", false]);
  });

  it("orCanceled stops only the caller's wait: Canceled at once, the shared promise goes on for others", async () => {
    let finish!: (value: string) => void;
    const shared = new Promise<string>((resolve) => (finish = resolve));
    const controller = new AbortController();
    const mine = failure(orCanceled(shared, controller.signal, "waiting for the branch"));
    const theirs = orCanceled(shared, new AbortController().signal);
    controller.abort();
    const error = await mine;
    expect([error.code, error.message]).toEqual(["Canceled", "waiting for the branch canceled"]);
    finish("main");
    expect(await theirs).toBe("main");
  });

  describe("withFileLock", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "cairn-cancel-"));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("an abort ends a wait for a lock held by a live owner at once with Canceled; the waiter's action never runs", async () => {
      const lockPath = join(dir, "thing.lock");
      let release!: () => void;
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      // The holder is this (live) process: the waiter must wait, never break it.
      const holder = withFileLock(lockPath, () => {
        held();
        return new Promise<void>((resolve) => (release = resolve));
      });
      await holding;
      const { clock, waiting } = stoppedClock();
      const controller = new AbortController();
      let ran = false;
      const waiter = withFileLock(lockPath, async () => void (ran = true), { clock, signal: controller.signal, timeoutMs: 60_000 });
      await waiting;
      controller.abort();
      const error = await failure(waiter);
      expect(error.code).toBe("Canceled");
      expect(error.message).toContain(lockPath);
      expect(ran).toBe(false);
      release();
      await holder;
    });
  });

  it("a backend closes its store once, however often it is closed (StateStore.close is idempotent)", async () => {
    const { store } = memorySpace();
    let closes = 0;
    const counted: StateStore = Object.create(store, { close: { value: async () => void closes++ } });
    const backend = createStoreBackend(counted, { env: {} });
    await backend.close();
    await backend.close();
    expect(closes).toBe(1);
  });
});
