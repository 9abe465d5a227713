import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "backend-git", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] } });
