export * from "../json/canonical-json.js";
export * from "./migrate-stack.js";
export * from "./migrate-stacks.js";
