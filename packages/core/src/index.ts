export * from "./errors.js";
export * from "./store.js";
export * from "./backend.js";
export * from "./plugin.js";
export * from "./stack-ref.js";
export * from "./checkpoint/types.js";
export * from "./fs/atomic-write.js";
export * from "./fs/file-lock.js";
