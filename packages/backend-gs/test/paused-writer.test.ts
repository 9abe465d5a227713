import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { PLUGIN_STORE_OPENER, describePausedWriterConformance } from "@cairn/conformance";
import { CLEAN_ENV, openTestStore, testUrl } from "./helpers.js";

// The child process opens the same fresh prefix through the built plugin, as a second machine
// would; generation preconditions are judged by the server, so there is no clock of ours to advance.
const PLUGIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describePausedWriterConformance("GsStore", {
  create: async () => {
    const url = testUrl();
    return { store: await openTestStore(url), childArgs: { plugin: PLUGIN, url: url.href, context: { home: tmpdir(), cwd: tmpdir(), env: CLEAN_ENV } } };
  },
  childModule: PLUGIN_STORE_OPENER,
  valueBytes: 8 * 1024 * 1024,
});
