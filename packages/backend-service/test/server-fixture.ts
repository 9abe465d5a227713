import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnServer, type SpawnedServer } from "@cairn/server/testing";
import { ServiceBackend } from "../src/index.js";

/** A real cairn-server over a temporary file:// data directory, for one test file. */
export interface ServerFixture {
  root: string;
  dataUrl: string;
  server: SpawnedServer;
  backend(token?: string): ServiceBackend;
  dispose(): Promise<void>;
}

/** `args`: extra cairn-server flags (e.g. `--lease-seconds 3`). */
export async function startServerFixture(args: string[] = []): Promise<ServerFixture> {
  const root = mkdtempSync(join(tmpdir(), "cairn-service-"));
  const dataUrl = pathToFileURL(join(root, "data")).href;
  const server = await spawnServer({ data: dataUrl, home: root, args });
  return {
    root,
    dataUrl,
    server,
    backend: (token = server.adminToken) => new ServiceBackend({ baseUrl: server.url, token: { value: token, source: "test" } }),
    dispose: async () => {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
