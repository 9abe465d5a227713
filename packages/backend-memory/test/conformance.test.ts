import { fileURLToPath } from "node:url";
import { createStoreBackend } from "@cairn/core";
// By path, not by package name: @cairn/conformance's own self-tests depend on this package, and a
// dependency back would be a workspace cycle (turbo refuses those). Build conformance first:
// `pnpm exec tsc -b packages/conformance`.
import { describeBackendConformance, describeCoreOverStoreConformance, describePluginPackage, describeStoreConformance } from "../../conformance/dist/index.js";
import { MemoryStore } from "../src/index.js";

const PACKAGE_DIR = fileURLToPath(new URL("../", import.meta.url));
// pid and hostname stay the real ones: core takes over a lock whose holder is a dead process on this host.
const backendOptions = { env: {}, username: "conformance" };

let spaces = 0;
let lastSpace = "";
const freshSpace = () => (lastSpace = `backend-memory-conformance-${process.pid}-${++spaces}`);

describeStoreConformance("MemoryStore", {
  create: async () => new MemoryStore(freshSpace()),
  missingNotApplicable: "a memory space exists as soon as it is named; there is no container to be missing",
  stalledNotApplicable: "it sends no requests: nothing can stall",
});
describeCoreOverStoreConformance("MemoryStore", { create: async () => new MemoryStore(freshSpace()) });

// The second instance is another MemoryStore opened on the same name, sharing its contents.
describeBackendConformance("createStoreBackend(MemoryStore)", {
  create: async () => createStoreBackend(new MemoryStore(freshSpace()), backendOptions),
  createSecond: async () => createStoreBackend(new MemoryStore(lastSpace), { ...backendOptions, username: "second" }),
});

describePluginPackage("@cairn/backend-memory", PACKAGE_DIR);
