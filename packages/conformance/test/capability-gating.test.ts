import { MemoryStore } from "@cairn/backend-memory";
import { describeStoreConformance } from "../src/index.js";
import { forwardingStore } from "@cairn/core/driver";

// A store that honestly claims no conditional writes: the suite must still register the
// conditional checks, as skipped with the reason in the title (visible in the report), and run
// the rest.
let spaces = 0;
describeStoreConformance("MemoryStore claiming no conditional writes", {
  create: async () => {
    const inner = new MemoryStore(`conformance-gating-${process.pid}-${++spaces}`);
    return forwardingStore(inner, { capabilities: { conditionalWrite: false } });
  },
});
