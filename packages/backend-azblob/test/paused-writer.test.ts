import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { PLUGIN_STORE_OPENER, describePausedWriterConformance } from "@cairn/conformance";
import { openAzblobUrl } from "../src/index.js";
import { connectionStringEnv, createContainer, deleteContainer, uniqueContainerName } from "./azurite-fixture.js";

// The child process opens the same fresh container through the built plugin, as a second machine
// would; ETag preconditions are judged by the service, so there is no clock of ours to advance.
const PLUGIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describePausedWriterConformance("AzblobStore", {
  create: async () => {
    const container = uniqueContainerName("paused");
    await createContainer(container);
    const url = `azblob://${container}`;
    const env = connectionStringEnv();
    return { store: await openAzblobUrl(url, env), childArgs: { plugin: PLUGIN, url, context: { home: tmpdir(), cwd: tmpdir(), env } } };
  },
  childModule: PLUGIN_STORE_OPENER,
  cleanup: async (store) => deleteContainer(new URL(store.url).hostname),
  valueBytes: 8 * 1024 * 1024,
});
