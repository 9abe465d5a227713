import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createStoreBackend, type UntypedDeployment } from "@cairn/core";
import { listAll } from "@cairn/core/driver";
import { FileStore } from "../src/index.js";
import { builtEntryUrl, spawnFixture } from "./child-process.js";
// @ts-expect-error: a plain .mjs fixture shared with the child process
import { STACK, initialDeployment, stateAfter } from "./fixtures/journal-steps.mjs";

const STEPS = 500;
const KILLS = 3;
const tempDirs: string[] = [];
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

const stateAfterStep = stateAfter as (seq: number) => UntypedDeployment;

describe("a journaled update killed with SIGKILL", () => {
  it(`reads back exactly the last acknowledged step after each of ${KILLS} kills at random points of a ${STEPS}-step update`, { timeout: 120_000 }, async () => {
    const entry = builtEntryUrl();
    for (let kill = 0; kill < KILLS; kill++) {
      const root = await mkdtemp(join(tmpdir(), "cairn-journal-crash-"));
      tempDirs.push(root);
      const open = () => createStoreBackend(new FileStore(root, `file://${root}`), { env: {} });
      await open().createStack(STACK, { initialDeployment: initialDeployment() as UntypedDeployment });
      const child = spawnFixture("journal-updater.mjs", [entry, root, String(STEPS), "37"]);
      const target = 1 + Math.floor(Math.random() * (STEPS - 2));
      await child.waitForLine(new RegExp(`^ack ${target}$`));
      child.process.kill("SIGKILL");
      expect(await child.exited).toBe("SIGKILL");
      const acknowledged = Math.max(...child.lines.filter((line) => line.startsWith("ack ")).map((line) => Number(line.slice(4))));

      // A reader replays the journal onto the last compacted checkpoint. The step in flight at the
      // kill may have reached the store without its acknowledgement being printed.
      const reader = open();
      const exported = await reader.exportDeployment(STACK);
      const matches = [acknowledged, acknowledged + 1].filter((seq) => JSON.stringify(exported) === JSON.stringify(stateAfterStep(seq)));
      expect(matches, `export after a kill at ack ${acknowledged} must equal the state after step ${acknowledged} (or the one in flight)`).toHaveLength(1);

      // The next update writes the replayed state into the stack file (the dead holder's lock is
      // taken over) and records the interrupted update; its journal is then gone.
      const next = await reader.beginUpdate!(STACK, "refresh");
      await next.complete("succeeded");
      expect(JSON.stringify(await open().exportDeployment(STACK))).toBe(JSON.stringify(exported));
      expect((await reader.listHistory(STACK)).map((record) => record.result)).toEqual(["succeeded", "failed"]);
      expect((await listAll(new FileStore(root, `file://${root}`), ".pulumi/cairn-journal/")).length).toBe(0);
    }
  });
});
