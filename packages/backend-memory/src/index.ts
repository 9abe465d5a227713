import { defineBackendPlugin } from "@cairn/core/driver";
import { MemoryStore } from "./memory-store.js";

export { MemoryStore } from "./memory-store.js";

/** `memory://name`: a process-local store, for tests and embedding. */
export default defineBackendPlugin({
  meta: { name: "@cairn/backend-memory", version: "0.1.0" },
  schemes: ["memory"],
  async open(url) {
    return new MemoryStore(url.hostname || "default");
  },
});
