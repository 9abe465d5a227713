export * from "./canonical-json.js";
export * from "./migrate-stack.js";
export * from "./migrate-stacks.js";
