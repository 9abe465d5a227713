import { createStoreBackend } from "@cairn/core";
import { MemoryStore } from "@cairn/backend-memory";
import { describeBackendConformance, describeCoreOverStoreConformance, describeLockRaceConformance, describeStoreConformance } from "../src/index.js";

// The suites against the reference store, proving they pass on a correct implementation.
let spaces = 0;
let lastSpace = "";
const freshSpace = () => (lastSpace = `conformance-self-test-${process.pid}-${++spaces}`);
// pid and hostname stay the real ones: core takes over a lock whose holder is a dead process on this host.
const backendOptions = { env: {}, username: "conformance" };

describeStoreConformance("MemoryStore", {
  create: async () => new MemoryStore(freshSpace()),
  missingNotApplicable: "a memory space exists as soon as it is named; there is no container to be missing",
  stalledNotApplicable: "it sends no requests: nothing can stall",
});
describeCoreOverStoreConformance("MemoryStore", { create: async () => new MemoryStore(freshSpace()) });

describeBackendConformance("createStoreBackend(MemoryStore)", {
  create: async () => createStoreBackend(new MemoryStore(freshSpace()), backendOptions),
  createSecond: async () => createStoreBackend(new MemoryStore(lastSpace), { ...backendOptions, username: "second" }),
});

const raceSpace = `conformance-race-${process.pid}`;
describeLockRaceConformance("createStoreBackend(MemoryStore)", {
  createBackend: async () => createStoreBackend(new MemoryStore(raceSpace), backendOptions),
});
