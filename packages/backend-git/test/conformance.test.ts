import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { createStoreBackend } from "@cairn/core";
import { describeBackendConformance, describeCoreOverStoreConformance, describeLockRaceConformance, describePluginPackage, describeStoreConformance } from "@cairn/conformance";
import { freshRepo, missingRepo, openStore, removeTempDirs } from "./helpers.js";

const PACKAGE_DIR = fileURLToPath(new URL("../", import.meta.url));
// This process's pid: core breaks a lock whose holder is a dead process on the same host.
const backendOptions = { env: {}, username: "conformance", hostname: "git-test", pid: process.pid };

afterAll(removeTempDirs);

for (const transport of ["fileUrl", "httpUrl"] as const) {
  const label = transport === "fileUrl" ? "git+file://" : "git+http://";
  let lastUrl = "";
  // A fresh bare repository per check; each store gets its own PULUMI_HOME, so its own clone cache.
  const fresh = () => (lastUrl = freshRepo()[transport]);

  describeStoreConformance(`GitStore over ${label}`, {
    create: () => openStore(fresh()),
    createMissing: () => openStore(missingRepo()[transport]),
    ...(transport === "httpUrl"
      ? { createStalled: (endpoint: string) => openStore(`git+${endpoint}/stalled.git`) }
      : { stalledNotApplicable: "the file transport runs the local git; git+http:// runs the stalled-endpoint check" }),
    timeoutMs: 60_000,
  });
  describeCoreOverStoreConformance(`GitStore over ${label}`, { create: () => openStore(fresh()), timeoutMs: 60_000 });

  // The second instance has its own home and clone cache, like another machine: locks meet only
  // at the remote's branch compare-and-swap.
  describeBackendConformance(`createStoreBackend(GitStore over ${label})`, {
    create: async () => createStoreBackend(await openStore(fresh()), backendOptions),
    createSecond: async () => createStoreBackend(await openStore(lastUrl), { ...backendOptions, username: "second" }),
    timeoutMs: 60_000,
  });
}

describePluginPackage("@cairn/backend-git", PACKAGE_DIR);

// 8 backends, each with its own clone cache (its own PULUMI_HOME), racing for one stack's lock.
// Eight, not the default sixteen: on git one hold is ~14 store requests (every put is a fetch, a
// commit and a push; ~2 s here), so sixteen sequential holds made the test a benchmark of the
// git server (168 s on a loaded 2-core machine; past the 240 s timeout under heavier load). Eight
// separate clones still push at the same moment in round one and contend for every hold. Each
// attempt costs the server several spawned git processes, so the waiting racers back off up to
// 2 s instead of 250 ms: otherwise they, not the holder, get the machine.
let raceUrl = "";
describeLockRaceConformance("GitStore over git+http://", {
  createBackend: async () => {
    raceUrl ||= freshRepo().httpUrl;
    return createStoreBackend(await openStore(raceUrl), backendOptions);
  },
  writers: 8,
  retryCapMs: 2000,
  timeoutMs: 240_000,
});
