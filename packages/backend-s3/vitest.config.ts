import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "backend-s3", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] } });
