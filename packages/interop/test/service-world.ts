import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, spawnServer, type SpawnedServer } from "@cairn/server/testing";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import { createWorld, type World } from "./world.js";

export { api };

export type ServerData = "file" | "s3";


/** A world logged in to a real cairn-server as its own user (so its own organization). */
export interface ServiceWorld extends World {
  server: SpawnedServer;
  /** The world's user, also the name of its personal organization. */
  user: string;
  token: string;
}

/** What cairn-server is started with: where it keeps everything, and the environment for it. */
function dataFor(kind: ServerData, scratch: string): { data: string; env: Record<string, string> } {
  if (kind === "file") return { data: `file://${join(scratch, "data")}`, env: {} };
  const s3 = inject("interopS3");
  const prefix = `server-${randomBytes(6).toString("hex")}`;
  return {
    data: `s3://interop/${prefix}?endpoint=${encodeURIComponent(s3.endpoint)}&use_path_style=true&region=${s3.region}`,
    env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region },
  };
}

export interface ServiceSuite {
  /** A fresh world per test: a new user on the suite's server, `PULUMI_ACCESS_TOKEN` set, logged in. */
  open(options?: { login?: boolean; stack?: string; server?: SpawnedServer; asUser?: string }): Promise<ServiceWorld>;
  server(): SpawnedServer;
  /** Starts another instance over the same data (two servers behind one load balancer). */
  another(): Promise<SpawnedServer>;
  /** SIGKILLs the server and starts it again over the same data, on the same port (clients keep their URL). */
  restart(): Promise<SpawnedServer>;
}

/**
 * For a test file: one real cairn-server process (over `file://` or the S3 emulator) for all its
 * tests, and a world per test whose user is new, so tests share nothing but the server.
 */
export function serviceSuite(kind: ServerData): ServiceSuite {
  let scratch = "";
  let data: { data: string; env: Record<string, string> };
  let current: SpawnedServer | undefined;
  const extra: SpawnedServer[] = [];
  const worlds: ServiceWorld[] = [];
  let instances = 0;
  // Logs go to a file: the tests block their event loop in spawnSync, and an undrained pipe would stall the server.
  const spawn = (args: string[] = []) => spawnServer({ data: data.data, home: join(scratch, "server-home"), env: data.env, adminToken, args, logFile: join(scratch, `server-${++instances}.log`) });
  const adminToken = `pul-${randomBytes(20).toString("hex")}`;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "cairn-interop-server-"));
    data = dataFor(kind, scratch);
    current = await spawn();
  });
  afterEach(() => {
    for (const world of worlds.splice(0)) world.dispose();
  });
  afterAll(async () => {
    // A server that died under a test is a failure of its own, with its log as the evidence.
    const died = [current, ...extra].find((server) => server !== undefined && server.process.exitCode !== null && server.process.signalCode !== "SIGKILL");
    for (const server of [current, ...extra]) await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
    if (died !== undefined) throw new Error(`cairn-server exited with ${died.process.exitCode} during the tests:\n${died.logs().split("\n").filter((line) => !line.includes('"msg":"request"')).slice(-40).join("\n")}`);
  });

  const suite: ServiceSuite = {
    server: () => current as SpawnedServer,
    async another() {
      const server = await spawn();
      extra.push(server);
      return server;
    },
    async restart() {
      const old = current as SpawnedServer;
      old.process.kill("SIGKILL");
      await old.stop();
      current = await spawn(["--port", new URL(old.url).port]);
      return current;
    },
    async open(options = {}) {
      const server = options.server ?? (current as SpawnedServer);
      const user = options.asUser ?? `u${randomBytes(5).toString("hex")}`;
      if (options.asUser === undefined) {
        const created = await api(server.url, "POST", "/api/admin/users", server.adminToken, { name: user });
        if (created.status !== 200) throw new Error(`creating user ${user}: ${created.status} ${JSON.stringify(created.body)}`);
      }
      const issued = await api(server.url, "POST", `/api/admin/users/${user}/tokens`, server.adminToken, { description: "interop" });
      const token = (issued.body as { tokenValue: string }).tokenValue;
      // PULUMI_CONSOLE_DOMAIN: the server serves its own console, so the CLI's links point at it.
      const env = { PULUMI_ACCESS_TOKEN: token, PULUMI_CONSOLE_DOMAIN: new URL(server.url).host };
      const base = createWorld(() => ({ name: "service", url: server.url, env }));
      const world: ServiceWorld = Object.assign(base, { server, user, token });
      worlds.push(world);
      if (options.login ?? true) world.pulumiOk(["login", server.url]);
      if (options.stack !== undefined) world.pulumiOk(["stack", "init", options.stack]);
      return world;
    },
  };
  return suite;
}
