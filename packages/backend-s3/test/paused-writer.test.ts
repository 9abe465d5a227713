import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { PLUGIN_STORE_OPENER, describePausedWriterConformance } from "@cairn/conformance";
import { openTestStore, serverEnv, serverUrl } from "./helpers.js";

// The child process opens the same fresh prefix through the built plugin, as a second machine
// would; If-Match is judged by the server, so there is no clock of ours to advance.
const PLUGIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describePausedWriterConformance("S3Store on moto", {
  create: async () => {
    const url = serverUrl();
    return { store: await openTestStore(url), childArgs: { plugin: PLUGIN, url, context: { home: tmpdir(), cwd: tmpdir(), env: serverEnv } } };
  },
  childModule: PLUGIN_STORE_OPENER,
  valueBytes: 8 * 1024 * 1024,
  // The moto launcher serves one request at a time (see @cairn/test-servers/s3): while the stopped
  // child's upload is open the parent's request queues, so the child is resumed after a second.
  resumeChildAfterMs: 1_000,
});
