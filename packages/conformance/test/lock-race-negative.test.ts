import { expect, it } from "vitest";
import { createStoreBackend } from "@cairn/core";
import { MemoryStore } from "@cairn/backend-memory";
import { checkLockRace } from "../src/index.js";
import { ignoresIfNoneMatch } from "./broken-stores.js";

it("the lock race detects a store whose conditional create lets everyone in", async () => {
  const space = `lock-race-negative-${process.pid}`;
  const failure = checkLockRace({
    // The broken store still claims conditionalWrite, so core trusts it — as a real misbehaving S3 clone would be trusted.
    createBackend: async () => createStoreBackend(ignoresIfNoneMatch(new MemoryStore(space)), { env: {}, username: "racer" }),
  });
  await expect(failure).rejects.toThrow(/simultaneous lockStack calls succeeded|held the lock at the same time/);
});
