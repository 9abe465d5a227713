import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "./stores.js";
import { worldPerTest, type World } from "./world.js";

const open = worldPerTest({ stack: "dev" });

const UPDATER = fileURLToPath(new URL("fixtures/journal-updater.mjs", import.meta.url));
const CLI_DIR = fileURLToPath(new URL("../../../apps/cli/", import.meta.url));
const STEPS = 12;

/** Runs cairn's journaled updater until it has acknowledged every step, then kills it (SIGKILL). */
async function crashMidUpdate(w: World): Promise<number> {
  const env = { ...process.env, HOME: w.root, PULUMI_HOME: w.home, ...w.store.env };
  const child = spawn(process.execPath, [UPDATER, w.store.url, w.projectName, "dev", String(STEPS), CLI_DIR], { cwd: w.project, env, stdio: ["pipe", "pipe", "pipe"] });
  let acked = 0;
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        const ack = /^ack (\d+)$/.exec(line);
        if (ack) acked = Number(ack[1]);
        if (line === "waiting") resolve();
      }
    });
    child.on("exit", () => reject(new Error(`the updater exited early:\n${stderr}`)));
  });
  child.kill("SIGKILL");
  await new Promise((resolve) => child.on("close", resolve));
  return acked;
}

const resourceCount = (json: string) => (JSON.parse(json) as { deployment: { resources?: unknown[] } | null }).deployment?.resources?.length ?? 0;

describe.each(STORE_NAMES)("a cairn journaled update killed midway over %s", (name) => {
  it("leaves Pulumi unable to act on the lagging stack file, even after `pulumi cancel`; cairn's recovery loses no acknowledged step", async () => {
    const w = open(name);
    const acked = await crashMidUpdate(w);
    expect(acked).toBe(STEPS);
    // cairn's readers replay the journal: every acknowledged step is there.
    expect(resourceCount(w.cairnOk(["stack", "export"]))).toBe(STEPS);
    // Pulumi ignores journals: it is kept out by the dead updater's lock...
    const up = w.drive("up", "dev", { components: 1 });
    expect(up.status).not.toBe(0);
    expect(up.stderr).toMatch(/currently locked/);
    // ...and, once `pulumi cancel` removed that lock, by the stack file's cairn-journal feature.
    w.pulumiOk(["cancel", "--yes"]);
    const refused = w.pulumi(["stack", "export"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("cairn-journal");
    expect(w.drive("up", "dev", { components: 1 }).status).not.toBe(0);
    // `cairn stack unlock --force` recovers the journal into a plain stack file Pulumi takes as its own.
    const unlocked = w.cairn(["stack", "unlock", "--force"]);
    expect(unlocked.status).toBe(0);
    expect(unlocked.stderr).toContain(`recovered ${STEPS} journaled steps into the stack file`);
    expect(resourceCount(w.pulumiOk(["stack", "export"]))).toBe(STEPS);
    expect(w.pulumiOk(["stack", "export"])).not.toContain("cairn-journal");
    const history = JSON.parse(w.pulumiOk(["stack", "history", "--json"])) as Array<{ result: string; message: string }>;
    expect(history[0]).toMatchObject({ result: "failed", message: expect.stringContaining(`recovered ${STEPS} journaled steps`) });
    expect(w.drive("up", "dev", { components: 1 }).status).toBe(0);
  });
});
