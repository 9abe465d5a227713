import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type TLSSocket } from "node:tls";
import { pathToFileURL } from "node:url";
import { CAIRN_BIN } from "@cairn/test-servers/cli-sandbox";
import { peer } from "@cairn/test-servers/peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, type SpawnedServer } from "../src/testing.js";
import { createTestCa, type CertPair, type TestCa } from "./test-ca.js";

let root: string;
let caA: TestCa;
let caB: TestCa;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "cairn-server-tls-"));
  caA = createTestCa(join(root, "ca-a"), "A");
  caB = createTestCa(join(root, "ca-b"), "B");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The server reads its pair from `live/`, where tests replace files the way renewals do. */
interface TlsServer {
  server: SpawnedServer;
  live: { certFile: string; keyFile: string };
  port: number;
  stop(): Promise<void>;
}

let serverCount = 0;
async function startTlsServer(pair: CertPair): Promise<TlsServer> {
  const dir = join(root, `server-${++serverCount}`);
  const live = { certFile: join(dir, "live", "cert.pem"), keyFile: join(dir, "live", "key.pem") };
  mkdirSync(join(dir, "live"), { recursive: true });
  copyFileSync(pair.certFile, live.certFile);
  copyFileSync(pair.keyFile, live.keyFile);
  const server = await spawnServer({ data: pathToFileURL(join(dir, "data")).href, home: dir, args: ["--tls-cert", live.certFile, "--tls-key", live.keyFile] });
  return { server, live, port: Number(new URL(server.url).port), stop: () => server.stop() };
}

/** certbot-style: the new file is written beside the old one, then renamed over it. */
function replaceByRename(from: string, to: string): void {
  copyFileSync(from, `${to}.new`);
  renameSync(`${to}.new`, to);
}

/** The server's JSON log lines with this `msg`. */
function logLines(server: SpawnedServer, msg: string): Record<string, unknown>[] {
  return server
    .logs()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}

/** Resolves with the first `msg` log line after the first `after` ones that `matches`: the reload signal, polled. */
async function waitForLog(server: SpawnedServer, msg: string, after: number, matches: (line: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const line = logLines(server, msg).slice(after).find(matches);
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`no "${msg}" log line within 20s:\n${server.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 25)); // polls for an event, not for time to pass
  }
}

/** A fresh TLS handshake trusting only `caFile`: the certificate the server now presents to new clients. */
function presentedFingerprint(port: number, caFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca: readFileSync(caFile) }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.once("error", reject);
  });
}

interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  reusedSocket: boolean;
  fingerprint256: string;
}

function httpsCall(port: number, path: string, options: { ca?: Buffer; agent?: Agent; method?: string; form?: Record<string, string> } = {}): Promise<HttpsResult> {
  const body = options.form === undefined ? undefined : new URLSearchParams(options.form).toString();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        ...(options.agent ? { agent: options.agent } : { ca: options.ca }),
        headers: body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" },
      },
      (response) => {
        // Read now: once the body ends, a kept-alive socket goes back to the agent.
        const fingerprint256 = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, reusedSocket: req.reusedSocket, fingerprint256 }));
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

describe("cairn-server over https, with real clients", () => {
  let tls: TlsServer;
  let pair: CertPair;
  beforeAll(async () => {
    pair = caA.issue("clients");
    tls = await startTlsServer(pair);
  });
  afterAll(() => tls?.stop());

  /** One user's machine: HOME, PULUMI_HOME and a project in a temp dir, nothing else from this machine. */
  function machine(): { run(command: string, args: string[], env?: Record<string, string>): { status: number; stdout: string; stderr: string } } {
    const dir = mkdtempSync(join(root, "machine-"));
    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(join(project, "Pulumi.yaml"), "name: proj\nruntime: go\n");
    return {
      run(command, args, env = {}) {
        const result = spawnSync(command, args, {
          cwd: project,
          encoding: "utf8",
          timeout: 60_000,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: dir,
            PULUMI_HOME: join(dir, ".pulumi"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_ACCESS_TOKEN: tls.server.adminToken,
            NO_COLOR: "1",
            ...env,
          },
        });
        return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
      },
    };
  }

  it("listens on https and says so; the public URL defaults to it, so the session cookie is Secure", async () => {
    expect(tls.server.url).toBe(`https://127.0.0.1:${tls.port}`);
    expect(logLines(tls.server, "listening")[0]?.url).toBe(tls.server.url);
    const ca = readFileSync(caA.caFile);
    const health = await httpsCall(tls.port, "/healthz", { ca });
    expect(health.status).toBe(200);
    expect(health.fingerprint256).toBe(pair.fingerprint256);
    const signedIn = await httpsCall(tls.port, "/login", { ca, method: "POST", form: { token: tls.server.adminToken } });
    expect(signedIn.status).toBe(303);
    expect(String(signedIn.headers["set-cookie"])).toMatch(/cairn_session=.*; Secure/);
  });

  it("the Pulumi CLI logs in over https trusting the test CA (SSL_CERT_FILE), and whoami, stack init, stack ls work", () => {
    const { pulumi } = peer("pulumi");
    const user = machine();
    const env = { SSL_CERT_FILE: caA.caFile };
    const ok = (args: string[]): string => {
      const result = user.run(pulumi, args, env);
      if (result.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
      return result.stdout;
    };
    expect(ok(["login", tls.server.url])).toContain(`Logged in to ${tls.server.url} as admin`);
    // (whoami's "Backend URL" is Pulumi's console URL, empty for any server but Pulumi Cloud.)
    expect(ok(["whoami", "-v"])).toMatch(/^User: admin$[\s\S]*^Token name: bootstrap$/m);
    ok(["stack", "init", "admin/proj/dev"]);
    expect(ok(["stack", "ls"])).toMatch(/^dev\*?\s/m);
  });

  it("without the CA the Pulumi CLI refuses the server's certificate", () => {
    const result = machine().run(peer("pulumi").pulumi, ["login", tls.server.url]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/x509: certificate signed by unknown authority/);
  });

  it("cairn logs in over https with NODE_EXTRA_CA_CERTS, and whoami works; without it the certificate is refused", () => {
    const user = machine();
    const refused = user.run(process.execPath, [CAIRN_BIN, "login", tls.server.url]);
    expect(refused.status).not.toBe(0);
    // The service client reports only "fetch failed" (its cause, the certificate, is not shown yet).
    expect(refused.stderr).toContain(`cannot reach ${tls.server.url}`);
    const env = { NODE_EXTRA_CA_CERTS: caA.caFile };
    const login = user.run(process.execPath, [CAIRN_BIN, "login", tls.server.url], env);
    expect(login.status, login.stderr).toBe(0);
    const whoami = user.run(process.execPath, [CAIRN_BIN, "whoami"], env);
    expect(whoami.status, whoami.stderr).toBe(0);
    expect(whoami.stdout).toContain("admin");
  });
});

describe("certificate reload without a restart", () => {
  it("a renewed pair (replaced by rename) is served to new connections; an open connection stays usable; same process", async () => {
    const first = caA.issue("before-renewal");
    const renewed = caB.issue("renewed");
    const tls = await startTlsServer(first);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(caA.caFile) });
    try {
      const pid = tls.server.process.pid;
      const before = await httpsCall(tls.port, "/healthz", { agent });
      expect(before.fingerprint256).toBe(first.fingerprint256);

      const reloads = logLines(tls.server, "tls reloaded").length;
      replaceByRename(renewed.certFile, tls.live.certFile);
      replaceByRename(renewed.keyFile, tls.live.keyFile);
      await waitForLog(tls.server, "tls reloaded", reloads, (line) => line.fingerprint256 === renewed.fingerprint256);

      expect(await presentedFingerprint(tls.port, caB.caFile)).toBe(renewed.fingerprint256);
      // The connection opened before the renewal: same socket, still answering, still on the old certificate.
      const after = await httpsCall(tls.port, "/healthz", { agent });
      expect(after).toMatchObject({ status: 200, reusedSocket: true, fingerprint256: first.fingerprint256 });
      expect(tls.server.process.pid).toBe(pid);
      expect(tls.server.process.exitCode).toBeNull();

      // The next renewal is seen too: a watch on the replaced file itself would have gone quiet.
      const again = caA.issue("renewed-again");
      const secondReloads = logLines(tls.server, "tls reloaded").length;
      replaceByRename(again.keyFile, tls.live.keyFile);
      replaceByRename(again.certFile, tls.live.certFile);
      await waitForLog(tls.server, "tls reloaded", secondReloads, (line) => line.fingerprint256 === again.fingerprint256);
      expect(await presentedFingerprint(tls.port, caA.caFile)).toBe(again.fingerprint256);

      // SIGHUP re-reads the files too (for setups where watching cannot see the change).
      const hups = logLines(tls.server, "tls reloaded").length;
      process.kill(pid as number, "SIGHUP");
      expect(await waitForLog(tls.server, "tls reloaded", hups, (line) => line.reason === "SIGHUP")).toMatchObject({ fingerprint256: again.fingerprint256 });
      expect(await presentedFingerprint(tls.port, caA.caFile)).toBe(again.fingerprint256);
      expect(tls.server.process.exitCode).toBeNull();
    } finally {
      agent.destroy();
      await tls.stop();
    }
  });

  it("a pair that does not load keeps the old certificate serving (logged without key material), and a fixed pair then loads", async () => {
    const serving = caA.issue("serving");
    const next = caB.issue("next");
    const other = caB.issue("other");
    const tls = await startTlsServer(serving);
    try {
      const failures = logLines(tls.server, "tls reload failed").length;
      // The new certificate with a key that is not its own.
      replaceByRename(next.certFile, tls.live.certFile);
      replaceByRename(other.keyFile, tls.live.keyFile);
      const failed = await waitForLog(tls.server, "tls reload failed", failures);
      expect(failed.error).toContain("does not match");
      expect(await presentedFingerprint(tls.port, caA.caFile)).toBe(serving.fingerprint256);
      expect(logLines(tls.server, "tls reloaded").filter((line) => line.fingerprint256 === next.fingerprint256)).toEqual([]);

      const reloads = logLines(tls.server, "tls reloaded").length;
      replaceByRename(next.keyFile, tls.live.keyFile);
      await waitForLog(tls.server, "tls reloaded", reloads, (line) => line.fingerprint256 === next.fingerprint256);
      expect(await presentedFingerprint(tls.port, caB.caFile)).toBe(next.fingerprint256);

      for (const key of [serving.keyFile, next.keyFile, other.keyFile]) {
        const body = readFileSync(key, "utf8").split("\n").filter((line) => line !== "" && !line.startsWith("-----"));
        for (const line of body) expect(tls.server.logs()).not.toContain(line);
      }
      expect(tls.server.logs()).not.toContain("PRIVATE KEY");
    } finally {
      await tls.stop();
    }
  });
});

describe("--tls-cert / --tls-key errors", () => {
  const start = (args: string[]): Promise<SpawnedServer> => {
    const dir = mkdtempSync(join(root, "refused-"));
    return spawnServer({ data: pathToFileURL(join(dir, "data")).href, home: dir, args });
  };

  it("one without the other is a usage error", async () => {
    const pair = caA.issue("half");
    await expect(start(["--tls-cert", pair.certFile])).rejects.toThrow(/exited with 2:\n--tls-cert and --tls-key go together/);
    await expect(start(["--tls-key", pair.keyFile])).rejects.toThrow(/--tls-cert and --tls-key go together/);
  });

  it("an unreadable file is named; a key that is not the certificate's is refused, without printing the key", async () => {
    const pair = caA.issue("refused");
    const stranger = caA.issue("stranger");
    const missing = join(root, "no-such-cert.pem");
    await expect(start(["--tls-cert", missing, "--tls-key", pair.keyFile])).rejects.toThrow(`cannot read the TLS certificate file ${missing} (ENOENT)`);
    await expect(start(["--tls-cert", pair.certFile, "--tls-key", pair.certFile])).rejects.toThrow(`${pair.certFile} holds no readable private key`);
    const mismatch = start(["--tls-cert", pair.certFile, "--tls-key", stranger.keyFile]);
    await expect(mismatch).rejects.toThrow(`the private key in ${stranger.keyFile} does not match the certificate in ${pair.certFile}`);
    await expect(mismatch).rejects.not.toThrow(/PRIVATE KEY/);
  });
});
