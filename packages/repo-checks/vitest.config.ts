import { defineProject } from "vitest/config";
import { sharedTestOptions } from "../../vitest.shared.js";

export default defineProject({ test: { ...sharedTestOptions, name: "repo-checks", include: ["test/**/*.test.ts"] } });
