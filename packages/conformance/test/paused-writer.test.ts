import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkPausedWriter, describePausedWriterConformance } from "../src/index.js";
// @ts-expect-error -- a plain JavaScript fixture (the check's child process imports it too)
import { CheckThenWriteStore } from "./fixtures/check-then-write-store.mjs";

const LOSSY = fileURLToPath(new URL("./fixtures/check-then-write-store.mjs", import.meta.url));

// The in-memory store lives in one process; the check needs a second process on the same state.
describePausedWriterConformance("MemoryStore", { unsupported: "an in-memory store cannot be opened from a second process" });

describe("the paused-writer check itself", () => {
  it("catches a store whose compare-and-swap is a check-then-write (a lost update)", async () => {
    const roots: string[] = [];
    try {
      const failure = await checkPausedWriter({
        create: async () => {
          const root = await mkdtemp(join(tmpdir(), "cairn-lossy-"));
          roots.push(root);
          return { store: new CheckThenWriteStore(root), childArgs: { root } };
        },
        childModule: LOSSY,
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(String(failure)).toMatch(/lost update in trial \d+ .*both writers were told/);
    } finally {
      for (const root of roots) await rm(root, { recursive: true, force: true });
    }
  }, 240_000);
});
