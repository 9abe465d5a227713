import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTempFileName, listAll } from "@cairn/core/driver";
import { FileStore } from "../src/index.js";
import { builtEntryUrl, spawnFixture } from "./child-process.js";

const KEY = ".pulumi/stacks/crash/dev.json";
const FILLER_BYTES = 3 * 1024 * 1024;
const KILLS = 5;
const RACES = 10;

const tempDirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cairn-file-crash-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

let entry = "";
beforeAll(() => {
  entry = builtEntryUrl();
});

/** Temp files left anywhere under `dir` (a killed writer may leave its in-flight one). */
async function tempFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => isTempFileName(name));
}

describe("FileStore survives SIGKILL mid-write", () => {
  it(`holds one complete version after each of ${KILLS} kills at random moments`, { timeout: 120_000 }, async () => {
    const root = await freshDir();
    const store = new FileStore(root, `file://${root}`);
    for (let kill = 0; kill < KILLS; kill++) {
      const firstSeq = (kill + 1) * 1000;
      const writer = spawnFixture("checkpoint-writer.mjs", [entry, root, KEY, String(firstSeq), String(FILLER_BYTES)]);
      await writer.waitForLine(/^written /);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 400));
      writer.process.kill("SIGKILL");
      expect(await writer.exited).toBe("SIGKILL");

      const found = await store.get(KEY);
      expect(found, "the key must exist after a kill").toBeDefined();
      const checkpoint = JSON.parse(new TextDecoder().decode(found!.bytes)) as { seq: number; length: number; filler: string };
      // One complete version: its filler is whole and made of its own letter only.
      expect(checkpoint.filler.length).toBe(checkpoint.length);
      expect(checkpoint.filler).toBe(String.fromCharCode(97 + (checkpoint.seq % 26)).repeat(checkpoint.length));
      // And it is the last acknowledged write or the one in flight when the kill came: no acknowledged write is lost.
      const acknowledged = Math.max(...writer.lines.filter((line) => line.startsWith("written ")).map((line) => Number(line.slice(8))));
      expect([acknowledged, acknowledged + 1]).toContain(checkpoint.seq);

      expect((await listAll(store, "")).map((object) => object.key)).toEqual([KEY]);
      // Each killed writer can leave at most the one temp file it was writing.
      expect((await tempFilesUnder(root)).length).toBeLessThanOrEqual(kill + 1);
    }
  });
});

describe("FileStore conditional creates across processes", () => {
  it(`lets exactly one of two processes create each of ${RACES} fresh keys`, { timeout: 60_000 }, async () => {
    const root = await freshDir();
    const contenders = ["alpha", "beta"].map((name) => ({ name, child: spawnFixture("conditional-creator.mjs", [entry, root, name, String(RACES)]) }));
    await Promise.all(contenders.map(({ child }) => child.waitForLine(/^ready$/)));
    for (const { child } of contenders) child.process.stdin.write("go\n");
    const outcomes = await Promise.all(contenders.map(async ({ child }) => JSON.parse(await child.waitForLine(/^\[/)) as string[]));
    await Promise.all(contenders.map(({ child }) => child.exited));

    const store = new FileStore(root, `file://${root}`);
    for (let i = 0; i < RACES; i++) {
      const results = outcomes.map((perChild) => perChild[i]);
      expect(results.sort(), `key race/${i}`).toEqual(["lost", "won"]);
      const winner = contenders[outcomes.findIndex((perChild) => perChild[i] === "won")]!.name;
      expect(new TextDecoder().decode((await store.get(`race/${i}`))!.bytes)).toBe(winner);
    }
    expect((await listAll(store, "race/")).length).toBe(RACES);
  });
});
