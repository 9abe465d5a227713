import { defineConfig } from "vitest/config";

// One root run over every package's own vitest project, bounded to the machine's two cores.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
    maxWorkers: 2,
  },
});
