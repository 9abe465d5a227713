import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, isTempFileName, tempFileOwner } from "@cairn/core/driver";
import { FileStore } from "../src/index.js";

const WRITER = fileURLToPath(new URL("./fixtures/big-writer.mjs", import.meta.url));
const BIG = 256 * 1024 * 1024;
const DAY = 24 * 60 * 60 * 1000;

let root: string;
let directory: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cairn-file-temps-"));
  directory = join(root, ".pulumi", "stacks", "proj");
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await rm(root, { recursive: true, force: true });
});

const tempsIn = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter(isTempFileName);
const text = (value: string) => new TextEncoder().encode(value);

/** A child process writing a big value to `.pulumi/stacks/proj/dev.json`, stopped (SIGSTOP) once its temp file has bytes in it. */
async function stoppedWriter(): Promise<{ child: ChildProcess; temp: string }> {
  const child = spawn(process.execPath, [WRITER, root, ".pulumi/stacks/proj/dev.json", String(BIG)], { stdio: "ignore" });
  children.push(child);
  let exited = false;
  child.once("exit", () => (exited = true));
  for (;;) {
    if (exited) throw new Error("the writer finished before it could be stopped mid-write");
    const [temp] = await tempsIn(directory);
    if (temp !== undefined && (await stat(join(directory, temp)).catch(() => undefined))?.size) {
      child.kill("SIGSTOP");
      return { child, temp };
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function kill(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await gone;
}

describe("FileStore: temp files of killed writers", () => {
  it("names a temp file after its writer (pid and host)", async () => {
    const { child, temp } = await stoppedWriter();
    expect(tempFileOwner(temp)).toMatchObject({ pid: child.pid });
    await kill(child);
  });

  it("keeps a live (stopped) writer's temp file on write and list, and removes it on the next write once the writer is killed", async () => {
    const store = new FileStore(root, pathToFileURL(root).href);
    const { child, temp } = await stoppedWriter();
    await store.put(".pulumi/stacks/proj/other.json", text("{}"));
    await store.list(".pulumi/");
    expect(await tempsIn(directory)).toEqual([temp]); // its writer is alive: never removed
    await kill(child);
    expect(await tempsIn(directory)).toEqual([temp]); // a killed writer leaves its partial temp file
    expect((await stat(join(directory, temp))).size).toBeGreaterThan(0);
    await store.put(".pulumi/stacks/proj/other.json", text("{}"));
    expect(await tempsIn(directory)).toEqual([]);
  });

  it("removes a killed writer's temp file on the next listing", async () => {
    const store = new FileStore(root, pathToFileURL(root).href);
    const { child } = await stoppedWriter();
    await kill(child);
    expect(await tempsIn(directory)).toHaveLength(1);
    const page = await store.list(".pulumi/stacks/");
    expect(page.objects).toEqual([]);
    expect(await tempsIn(directory)).toEqual([]);
  });

  it("removes temp files whose writer cannot be judged (another host, an older cairn) only when much older than any write", async () => {
    await mkdir(directory, { recursive: true });
    const remote = ".dev.json.cairn-tmp-4242_-_-_build-agent-7_0a1b2c3d";
    const legacy = ".dev.json.cairn-tmp-0a1b2c3d4e5f";
    const usersObject = "notes.cairn-tmp-mine"; // contains the marker but cairn never writes such a name
    for (const name of [remote, legacy, usersObject]) await writeFile(join(directory, name), "partial");
    const clock = new ManualClock();
    const store = new FileStore(root, pathToFileURL(root).href, { clock });
    await store.put(".pulumi/stacks/proj/other.json", text("{}"));
    expect((await tempsIn(directory)).sort()).toEqual([remote, legacy, usersObject].sort());
    clock.advance(DAY + 60_000);
    await store.put(".pulumi/stacks/proj/other.json", text("{}"));
    expect(await tempsIn(directory)).toEqual([usersObject]);
  });
});
