import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { fileURLToPath } from "node:url";

/** The `cairn-server` executable of this package. */
export const SERVER_BIN = fileURLToPath(new URL("../bin/cairn-server.js", import.meta.url));

export interface SpawnedServer {
  url: string;
  /** The bootstrap admin's token (preset through CAIRN_SERVER_ADMIN_TOKEN). */
  adminToken: string;
  process: ChildProcess;
  /** Everything the server wrote to stderr (its JSON logs), for assertions that nothing secret leaks. */
  logs(): string;
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  /** `--data` URL. */
  data: string;
  /** HOME for the server process (keeps ~/.cairn-server out of the real home). */
  home: string;
  masterKeyHex?: string;
  adminToken?: string;
  args?: string[];
  env?: Record<string, string>;
  /**
   * Write the server's logs (stderr) to this file instead of a pipe. For callers that block their
   * event loop (spawnSync of a CLI): a pipe nobody drains fills, and the server, whose stderr
   * writes to a pipe are synchronous, would stall mid-request.
   */
  logFile?: string;
}

/** A key tests share so two instances over one store read each other's data. */
export const TEST_MASTER_KEY = "11".repeat(32);

/**
 * Starts a real `cairn-server` process on a free loopback port (for tests and benchmarks) and
 * resolves once it listens. `stop()` ends that process only.
 */
export async function spawnServer(options: SpawnServerOptions): Promise<SpawnedServer> {
  const adminToken = options.adminToken ?? `pul-${randomBytes(20).toString("hex")}`;
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, "a");
  const child = spawn(process.execPath, [SERVER_BIN, "--data", options.data, "--port", "0", ...(options.args ?? [])], {
    env: {
      ...process.env,
      HOME: options.home,
      PULUMI_HOME: `${options.home}/.pulumi`,
      CAIRN_SERVER_MASTER_KEY: options.masterKeyHex ?? TEST_MASTER_KEY,
      CAIRN_SERVER_ADMIN_TOKEN: adminToken,
      ...options.env,
    },
    stdio: ["ignore", "pipe", logFd ?? "pipe"],
  });
  if (logFd !== undefined) closeSync(logFd); // the child has its own copy
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cairn-server did not start within 20s:\n${stderr}`)), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`cairn-server exited with ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    adminToken,
    process: child,
    logs: () => (options.logFile === undefined ? stderr : readFileSync(options.logFile, "utf8")),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * JSON over HTTP(S) with a token, returning status and body (for API-level tests). Each call uses
 * a new connection: tests often block their event loop in spawnSync (running a CLI), and a pooled
 * keep-alive socket the server closed meanwhile would be reused and fail ("other side closed").
 */
export function api(url: string, method: string, path: string, token: string | undefined, body?: unknown, scheme = "token"): Promise<{ status: number; body: any }> {
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `${scheme} ${token}`;
  if (text !== undefined) headers["content-type"] = "application/json";
  const target = new URL(path, url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const call = send(target, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = raw;
        try {
          parsed = raw === "" ? undefined : JSON.parse(raw);
        } catch {
          // not JSON: the test sees the text
        }
        resolve({ status: response.statusCode ?? 0, body: parsed });
      });
    });
    call.on("error", reject);
    call.end(text);
  });
}
