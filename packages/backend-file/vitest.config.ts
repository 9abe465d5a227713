import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "backend-file", include: ["test/**/*.test.ts"] } });
