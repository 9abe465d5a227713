import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createSandbox } from "./helpers.js";

/**
 * Issue 14: a backend URL that says https for an endpoint that speaks plain HTTP. A real plain-HTTP
 * server on loopback is enough: the TLS handshake fails before any storage protocol is spoken, so
 * no emulator is needed. It runs in a child process: the CLI runs synchronously here, which would
 * block a server in this process. Each backend's SDK wraps OpenSSL's "wrong version number"
 * differently; every one must come out as the same clear error saying to use http://.
 */
const SERVER = `const s = require("node:http").createServer((q, r) => r.end("plain http"));
s.listen(0, "127.0.0.1", () => console.log(s.address().port));`;
let server: ChildProcess;
let port: number;
beforeAll(async () => {
  server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(server.stdout!, "data")) as [Buffer];
  port = Number(line.toString().trim());
});
afterAll(() => {
  server.kill();
});

const AZURE_KEY = Buffer.alloc(64, 7).toString("base64");

describe("https URL, plain-HTTP endpoint", () => {
  it.each([
    ["s3", () => `s3://bucket?endpoint=https://127.0.0.1:${port}&region=us-east-1`, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" }],
    ["gs", () => `gs://bucket?endpoint=https://127.0.0.1:${port}`, { GOOGLE_OAUTH_ACCESS_TOKEN: "test" }],
    ["azblob", () => `azblob://container?storage_account=acct&domain=127.0.0.1:${port}&protocol=https`, { AZURE_STORAGE_KEY: AZURE_KEY }],
    ["git", () => `git+https://127.0.0.1:${port}/repo.git`, {}],
    ["service", () => `https://127.0.0.1:${port}`, { PULUMI_ACCESS_TOKEN: "pul-test" }],
  ])("%s: says to use http://, without OpenSSL's raw text", (_backend, url, env) => {
    const sandbox = createSandbox();
    try {
      const result = sandbox.run(["login", url(), "--non-interactive"], { env });
      expect(result.status).toBe(9);
      expect(result.stderr).toContain("the endpoint answered in plain HTTP, but the URL asks for TLS (https)");
      expect(result.stderr).toContain("use http://");
      expect(result.stderr).not.toMatch(/wrong version number|ssl3_get_record|EPROTO/);
    } finally {
      sandbox.dispose();
    }
  });
});
