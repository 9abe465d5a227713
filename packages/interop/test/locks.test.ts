import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCairnBackend, stackRef } from "./cairn-backend.js";
import { STORE_NAMES } from "./stores.js";
import { writeFileSync } from "node:fs";
import { worldPerTest, waitForFile } from "./world.js";

const open = worldPerTest({ stack: "dev" });

describe.each(STORE_NAMES)("locks over %s: neither tool writes through the other's lock", (name) => {
  it("a running `pulumi up` is seen by cairn: holder shown, writes refused, the live lock never broken", async () => {
    const w = open(name);
    w.drive("up", "dev", { components: 1 });
    const before = w.cairnOk(["stack", "export"]);
    const ready = join(w.root, "ready");
    const release = join(w.root, "release");
    const running = w.startDrive("up", "dev", { components: 2, readyFile: ready, waitFile: release });
    try {
      await waitForFile(ready, running);
      // `stack unlock` without --force reports the holder and leaves the lock alone.
      const unlock = w.cairnOk(["stack", "unlock"]);
      expect(unlock).toMatch(/pid \d+/);
      expect(unlock).toMatch(/Not removed: the lock is live/);
      const file = join(w.root, "state.json");
      writeFileSync(file, before);
      const imported = w.cairn(["stack", "import", "--file", file]);
      expect(imported.status).toBe(6);
      expect(imported.stderr).toMatch(/locked/i);
      expect(w.cairn(["stack", "rm", "--yes", "--force"]).status).toBe(6);
      expect(w.cairn(["stack", "rename", "other"]).status).toBe(6);
    } finally {
      writeFileSync(release, "go");
    }
    const finished = await running.done;
    expect(finished.stderr).not.toMatch(/error/i);
    expect(finished.status).toBe(0);
    // Pulumi's update landed whole: nothing cairn tried got in between.
    const resources = (JSON.parse(w.cairnOk(["stack", "export"])) as { deployment: { resources: unknown[] } }).deployment.resources;
    expect(resources).toHaveLength(5);
    expect(w.cairnOk(["stack", "unlock"])).toMatch(/is not locked/);
  });

  it("a lock cairn holds stops `pulumi up` and `pulumi stack import`, naming cairn's holder; released, pulumi proceeds", async () => {
    const w = open(name);
    const backend = await openCairnBackend(w);
    try {
      const lock = await backend.lockStack(stackRef(w, "dev"), "interop test");
      const up = w.drive("up", "dev", { components: 1 });
      expect(up.status).not.toBe(0);
      expect(up.stderr).toMatch(/currently locked by 1 lock\(s\)/);
      expect(up.stderr).toContain(`(pid ${process.pid})`);
      expect(w.pulumi(["stack", "export"]).status).toBe(0); // reads are not locked
      await lock.release();
      expect(w.drive("up", "dev", { components: 1 }).status).toBe(0);
    } finally {
      await backend.close();
    }
  });

  it("`pulumi cancel` removes cairn's lease; cairn's holder then writes nothing", async () => {
    const w = open(name);
    w.drive("up", "dev", { components: 1 });
    const before = w.pulumiOk(["stack", "export"]);
    const backend = await openCairnBackend(w);
    try {
      const ref = stackRef(w, "dev");
      const lock = await backend.lockStack(ref, "interop test");
      w.pulumiOk(["cancel", "--yes"]);
      expect(await backend.getLock(ref)).toEqual([]);
      // Another writer (pulumi) takes the stack; cairn's stale holder must not write over it.
      w.drive("up", "dev", { components: 2 });
      const afterPulumi = w.pulumiOk(["stack", "export"]);
      expect(afterPulumi).not.toBe(before);
      const deployment = await backend.exportDeployment(ref);
      await expect(lock.save(deployment)).rejects.toMatchObject({ code: expect.stringMatching(/Conflict|FailedPrecondition/) });
      await lock.release().catch(() => {});
      expect(w.pulumiOk(["stack", "export"])).toBe(afterPulumi);
    } finally {
      await backend.close();
    }
  });
});
