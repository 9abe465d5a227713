import { defineProject } from "vitest/config";
import { sharedTestOptions } from "../../vitest.shared.js";

// Real npm installs from tarballs (and the registry, for third-party dependencies): minutes, not seconds.
export default defineProject({
  test: { ...sharedTestOptions, testTimeout: 180_000, hookTimeout: 180_000, name: "release-check", include: ["test/**/*.test.ts"] },
});
