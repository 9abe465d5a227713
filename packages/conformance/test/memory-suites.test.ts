import { createStoreBackend } from "@cairn/core";
import { MemoryStore } from "@cairn/backend-memory";
import { describeBackendConformance, describeStoreConformance } from "../src/index.js";

// The suites against the reference store, proving they pass on a correct implementation.
let spaces = 0;
let lastSpace = "";
const freshSpace = () => (lastSpace = `conformance-self-test-${process.pid}-${++spaces}`);
const backendOptions = { env: {}, username: "conformance", hostname: "self-test", pid: 4242 };

describeStoreConformance("MemoryStore", { create: async () => new MemoryStore(freshSpace()) });

describeBackendConformance("createStoreBackend(MemoryStore)", {
  create: async () => createStoreBackend(new MemoryStore(freshSpace()), backendOptions),
  createSecond: async () => createStoreBackend(new MemoryStore(lastSpace), { ...backendOptions, username: "second", pid: 4343 }),
});
