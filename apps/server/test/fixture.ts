import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { api, spawnServer, type SpawnedServer } from "../src/testing.js";

export const SAMPLE = JSON.parse(readFileSync(new URL("../../../examples/sample-deployment.json", import.meta.url), "utf8")) as { version: number; deployment: Record<string, unknown> };

export interface Fixture {
  root: string;
  dataDir: string;
  server: SpawnedServer;
  /** Calls the API as the admin (or with `token`). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  dispose(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const root = mkdtempSync(join(tmpdir(), "cairn-server-test-"));
  const dataDir = join(root, "data");
  const server = await spawnServer({ data: pathToFileURL(dataDir).href, home: root });
  return {
    root,
    dataDir,
    server,
    call: (method, path, body, token = server.adminToken) => api(server.url, method, path, token, body),
    dispose: async () => {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Creates a user with a token and returns the token. */
export async function createUser(fixture: Fixture, name: string): Promise<string> {
  const created = await fixture.call("POST", "/api/admin/users", { name });
  if (created.status !== 200) throw new Error(`create user ${name}: ${JSON.stringify(created.body)}`);
  const token = await fixture.call("POST", `/api/admin/users/${name}/tokens`, { description: "test" });
  return token.body.tokenValue as string;
}
