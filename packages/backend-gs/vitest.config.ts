import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "backend-gs", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] } });
