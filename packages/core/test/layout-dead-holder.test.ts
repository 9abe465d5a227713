import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isCairnError, type StackRef } from "../src/index.js";
import { memorySpace } from "./layout-test-helpers.js";

const DEV: StackRef = { organization: "organization", project: "proj", name: "dev" };

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("a lock left by a killed cairn process", () => {
  it("on this machine is taken over once that process is gone", async () => {
    const space = memorySpace();
    await space.backend().createStack(DEV);
    const killed = space.backend({ hostname: "this-host", pid: deadPid() });
    await killed.lockStack(DEV, "import"); // never released: the process "died"
    const next = space.backend({ hostname: "this-host", pid: process.pid });
    const lock = await next.lockStack(DEV, "import");
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
  });

  it("on this machine is respected while that process lives", async () => {
    const space = memorySpace();
    await space.backend().createStack(DEV);
    const alive = space.backend({ hostname: "this-host", pid: process.ppid });
    await alive.lockStack(DEV, "import");
    const error = await space.backend({ hostname: "this-host", pid: process.pid }).lockStack(DEV, "import").catch((e: unknown) => e);
    expect(isCairnError(error, "Locked")).toBe(true);
  });

  it("from another machine is respected (its pid means nothing here)", async () => {
    const space = memorySpace();
    await space.backend().createStack(DEV);
    await space.backend({ hostname: "other-host", pid: deadPid() }).lockStack(DEV, "import");
    const error = await space.backend({ hostname: "this-host", pid: process.pid }).lockStack(DEV, "import").catch((e: unknown) => e);
    expect(isCairnError(error, "Locked")).toBe(true);
  });
});
