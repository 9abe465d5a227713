import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { withFileLock, type Clock } from "@cairn/core/driver";
import { FileStore } from "../src/index.js";

// The file store's one wait is the compare-and-swap sidecar lock (the conformance suite has no
// request to stall for it: see conformance.test.ts). Its clock never moves, so only the abort can
// end the wait: a test that ends proves it did.
const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

it("an abort ends a compare-and-swap put waiting for its key's lock at once: Canceled, not ambiguous, the object unchanged", async () => {
  const root = await mkdtemp(join(tmpdir(), "cairn-file-cancel-"));
  roots.push(root);
  let waiting!: () => void;
  const sleeping = new Promise<void>((resolve) => (waiting = resolve));
  const clock: Clock = {
    now: () => 0,
    sleep: () => {
      waiting();
      return new Promise<void>(() => {});
    },
  };
  const store = new FileStore(root, `file://${root}`, { clock });
  const version = await store.put("a/key", new TextEncoder().encode("one"));
  // The lock is held by this (live) process: the store must wait for it, never break it.
  let release!: () => void;
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const holder = withFileLock(join(root, "a", "key.cairn-lock"), () => {
    held();
    return new Promise<void>((resolve) => (release = resolve));
  });
  await holding;
  const controller = new AbortController();
  const put = store.put("a/key", new TextEncoder().encode("two"), { ifMatch: version, signal: controller.signal }).then(
    () => undefined,
    (error: unknown) => error,
  );
  await sleeping;
  controller.abort();
  const error = await put;
  expect(isCairnError(error, "Canceled")).toBe(true);
  expect(isCairnError(error) && error.ambiguous).toBe(false);
  release();
  await holder;
  const stored = await store.get("a/key");
  expect(new TextDecoder().decode(stored!.bytes)).toBe("one");
  expect(stored!.version).toBe(version);
});
