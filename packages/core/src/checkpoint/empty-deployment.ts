import type { Deployment } from "./types.js";

/**
 * A stack that was created but never updated has no deployment; export shows this empty one (Go's
 * zero manifest), and an import of `"deployment": null` stores it.
 */
export function emptyDeployment(): Deployment {
  return { manifest: { time: "0001-01-01T00:00:00Z", magic: "", version: "" } };
}
