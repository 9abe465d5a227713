import { defineProject } from "vitest/config";
import { sharedTestOptions } from "../../vitest.shared.js";

// Every test runs the real Pulumi CLI (a Go binary that starts in ~0.3 s) several times: give them room.
export default defineProject({
  test: { ...sharedTestOptions, testTimeout: 180_000, name: "interop", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] },
});
