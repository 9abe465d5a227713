import { describe, expect, it } from "vitest";
import { LockedError, isCairnError, type LockInfo } from "@cairn/core";
import { type LockHandle, type StateLocker, type StateStore } from "@cairn/core/driver";
import { MemoryStore } from "@cairn/backend-memory";
import { checkBreakLockFreesIt, checkLockExcludesOtherLocker, describeLockerConformance } from "../src/index.js";

/**
 * No store has a native locker yet, so the locker suite is proved on a minimal one built here over
 * MemoryStore's conditional create: the lock is an object created with ifNoneMatch "*", released
 * with ifMatch on the version created (so a late release cannot free a successor's lock).
 */
class ConditionalCreateLocker implements StateLocker {
  constructor(private readonly store: StateStore) {}

  async acquire(key: string, info: LockInfo): Promise<LockHandle> {
    let version: string;
    try {
      version = await this.store.put(key, new TextEncoder().encode(JSON.stringify(info)), { ifNoneMatch: "*" });
    } catch (error) {
      if (!isCairnError(error, "Conflict")) throw error;
      const holder = await this.inspect(key);
      throw new LockedError(key, holder ?? { pid: 0, username: "unknown", hostname: "unknown", timestamp: new Date(0).toISOString() });
    }
    return {
      info,
      release: () => this.store.delete(key, { ifMatch: version }).catch((error: unknown) => {
        if (!isCairnError(error, "Conflict")) throw error;
      }),
    };
  }

  async inspect(key: string): Promise<LockInfo | undefined> {
    const found = await this.store.get(key);
    return found && (JSON.parse(new TextDecoder().decode(found.bytes)) as LockInfo);
  }

  async breakLock(key: string): Promise<void> {
    await this.store.delete(key);
  }
}

let spaces = 0;
const pairOver = (name: string): [StateLocker, StateLocker] => [new ConditionalCreateLocker(new MemoryStore(name)), new ConditionalCreateLocker(new MemoryStore(name))];
const freshPair = () => pairOver(`conformance-locker-${process.pid}-${++spaces}`);

describeLockerConformance("ConditionalCreateLocker(MemoryStore)", { createPair: async () => freshPair() });

describe("locker checks catch broken lockers", () => {
  it("a locker that lets everyone in fails the exclusion check", async () => {
    const permissive: StateLocker = {
      acquire: async (_key, info) => ({ info, release: async () => {} }),
      inspect: async () => undefined,
      breakLock: async () => {},
    };
    await expect(checkLockExcludesOtherLocker([permissive, permissive])).rejects.toThrow(/expected a CairnError with code Locked, but it succeeded/);
  });

  it("a locker whose release deletes unconditionally fails the break-lock check", async () => {
    const name = `conformance-locker-careless-${process.pid}`;
    const careless = (store: StateStore): StateLocker => {
      const inner = new ConditionalCreateLocker(store);
      return {
        acquire: async (key, info) => ({ info: (await inner.acquire(key, info)).info, release: () => store.delete(key) }),
        inspect: (key) => inner.inspect(key),
        breakLock: (key) => inner.breakLock(key),
      };
    };
    await expect(checkBreakLockFreesIt([careless(new MemoryStore(name)), careless(new MemoryStore(name))])).rejects.toThrow(/after the broken holder released late/);
  });
});
