import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { CairnError, parseBackendUrl, PluginRegistry } from "@cairn/core";
import { isStateBackend, type StateStore } from "@cairn/core/driver";

/** The server's install directory: the store backends it depends on are resolved from here. */
const SERVER_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Opens the `--data` URL as a cairn `StateStore` through the same plugins the CLI uses (file, s3,
 * azblob, gs, or a third-party package), so the server has no storage engine of its own.
 */
export async function openDataStore(urlText: string, env: Readonly<Record<string, string | undefined>>, home: string, cwd = process.cwd()): Promise<StateStore> {
  const url = parseBackendUrl(urlText);
  const plugin = await new PluginRegistry().resolve(url.protocol.slice(0, -1), { home, cliDir: SERVER_DIR });
  const opened = await plugin.open(url, { home, cwd, env });
  if (isStateBackend(opened)) {
    await opened.close();
    throw new CairnError("InvalidArgument", `${url.protocol}// is a service backend, not a store; --data needs a store URL (file://, s3://, azblob://, gs://)`);
  }
  return opened;
}
