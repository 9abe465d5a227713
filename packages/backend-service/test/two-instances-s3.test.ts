import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { describeLockRaceConformance } from "@cairn/conformance";
import { spawnServer, type SpawnedServer } from "@cairn/server/testing";
import { startS3Server, type S3TestServer } from "@cairn/test-servers/s3";
import { ServiceBackend } from "../src/index.js";

// Two cairn-server processes behind no load balancer but sharing ONE S3 bucket (the S3 test
// server with conditional writes): racers alternate between them; the leases and every record are
// conditional writes in the bucket, so there is one holder at a time and no update is lost.
let s3: S3TestServer;
let servers: SpawnedServer[] = [];
const root = mkdtempSync(join(tmpdir(), "cairn-service-s3-"));

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ["shared"] });
  const data = `s3://shared/server?endpoint=${encodeURIComponent(s3.endpoint.replace(/^http:\/\//, ""))}&disable_https=true&use_path_style=true`;
  const env = { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region };
  const first = await spawnServer({ data, home: join(root, "a"), env });
  const second = await spawnServer({ data, home: join(root, "b"), env, adminToken: first.adminToken });
  servers = [first, second];
}, 60_000);

afterAll(async () => {
  // DEBUG_SERVER_LOGS=1 prints the servers' error lines (their logs hold no secrets).
  if (process.env.DEBUG_SERVER_LOGS) for (const server of servers) console.log(server.logs().split("\n").filter((l) => /"level":"error"|500/.test(l)).join("\n"));
  await Promise.allSettled([...servers.map((server) => server.stop()), s3?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

let next = 0;
describeLockRaceConformance("backend-service against two cairn-server instances over one S3 bucket", {
  createBackend: async () => {
    const server = servers[next++ % 2] as SpawnedServer;
    return new ServiceBackend({ baseUrl: server.url, token: { value: server.adminToken, source: "test" } });
  },
});
