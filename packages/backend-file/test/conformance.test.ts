import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll } from "vitest";
import { createStoreBackend } from "@cairn/core";
import { describeBackendConformance, describeCoreOverStoreConformance, describeLockRaceConformance, describePluginPackage, describeStoreConformance } from "@cairn/conformance";
import { FileStore } from "../src/index.js";

const PACKAGE_DIR = fileURLToPath(new URL("../", import.meta.url));
// pid and hostname stay the real ones: core takes over a lock whose holder is a dead process on this host.
const backendOptions = { env: {}, username: "conformance" };

const tempDirs: string[] = [];
let lastDir = "";
async function freshDir(): Promise<string> {
  lastDir = await mkdtemp(join(tmpdir(), "cairn-file-conformance-"));
  tempDirs.push(lastDir);
  return lastDir;
}
const storeAt = (dir: string) => new FileStore(dir, pathToFileURL(dir).href);

afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describeStoreConformance("FileStore", {
  create: async () => storeAt(await freshDir()),
  cleanup: async (store) => rm((store as FileStore).root, { recursive: true, force: true }),
  missingNotApplicable:
    "a missing root directory is empty state and the first write creates it (file-store.test.ts), so there is no container to be missing",
  stalledNotApplicable: "it sends no requests; its one wait, the compare-and-swap lock, is aborted in file-store.test.ts",
});
describeCoreOverStoreConformance("FileStore", {
  create: async () => storeAt(await freshDir()),
  cleanup: async (store) => rm((store as FileStore).root, { recursive: true, force: true }),
});

// The second instance is a separate FileStore on the same directory: what a second process opens.
describeBackendConformance("createStoreBackend(FileStore)", {
  create: async () => createStoreBackend(storeAt(await freshDir()), backendOptions),
  createSecond: async () => createStoreBackend(storeAt(lastDir), { ...backendOptions, username: "second" }),
});

describePluginPackage("@cairn/backend-file", PACKAGE_DIR);

// Each racer gets its own FileStore over one directory, as separate processes would.
let raceRoot: string | undefined;
describeLockRaceConformance("createStoreBackend(FileStore)", {
  createBackend: async () => {
    raceRoot ??= await freshDir();
    return createStoreBackend(new FileStore(raceRoot, pathToFileURL(raceRoot).href), backendOptions);
  },
});
