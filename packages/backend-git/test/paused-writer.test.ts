import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { PLUGIN_STORE_OPENER, describePausedWriterConformance } from "@cairn/conformance";
import { credentialEnv, freshRepo, openStore, removeTempDirs, tempDir } from "./helpers.js";

// Parent and child each have their own PULUMI_HOME (their own clone cache), like two machines:
// their writes meet only at the remote branch's compare-and-swap (a push that must fast-forward).
const PLUGIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

afterAll(removeTempDirs);

describePausedWriterConformance("GitStore over git+http://", {
  create: async () => {
    const url = freshRepo().httpUrl;
    const home = tempDir("paused-child");
    const env = { GIT_AUTHOR_NAME: "Cairn Test", GIT_AUTHOR_EMAIL: "test@cairn.invalid", ...credentialEnv() };
    return { store: await openStore(url), childArgs: { plugin: PLUGIN, url, context: { home, cwd: home, env } } };
  },
  childModule: PLUGIN_STORE_OPENER,
  valueBytes: 2 * 1024 * 1024,
  trials: 4,
});
