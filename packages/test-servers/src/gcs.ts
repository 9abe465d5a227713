import { spawn } from "node:child_process";
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { stopChild } from "./child-process.js";
import { peer } from "./peers.js";
import { freePort, waitForPort } from "./ports.js";

/**
 * fake-gcs-server (`scripts/peers.sh fake-gcs-server`), a GCS JSON-API emulator, in memory on a
 * fresh loopback port, reached through a thin front on a second port that repairs the three things
 * the emulator does not do and GCS does (everything else goes through untouched):
 *
 * - **Conditional delete.** fake-gcs-server ignores `ifGenerationMatch` on `DELETE` (it deletes
 *   whatever is live). GCS answers 412 conditionNotMet when the live generation differs. The front
 *   sends `DELETE ?generation=<n>` instead, which the emulator applies atomically to exactly that
 *   generation: deleted if it is the live one (the bucket is not versioned), else 404, which the
 *   front answers as 412 when the object still exists. Other delete preconditions are 501 here
 *   rather than silently ignored.
 * - **A missing bucket.** fake-gcs-server answers every 404 with a bare "Not Found" (as text on
 *   media downloads); GCS says which: "The specified bucket does not exist." or "No such object:
 *   <bucket>/<name>". On a 404 the front asks the emulator whether the bucket exists and answers
 *   with GCS's message and JSON error body.
 * - **Authentication.** The emulator accepts any caller. With `accessTokens`, the front answers
 *   401 (as GCS answers an anonymous or unknown caller) unless `Authorization: Bearer <token>`
 *   names one of them.
 *
 * Uploads, generation preconditions on writes (`ifGenerationMatch`, `0` = create-only), reads,
 * paged listing and error bodies are the emulator's own.
 */

export interface GcsServerOptions {
  /** Buckets that exist from the start. */
  buckets?: readonly string[];
  /**
   * When set, every request must carry `Authorization: Bearer <one of these>`; otherwise 401, as
   * GCS answers an anonymous or unknown caller.
   */
  accessTokens?: readonly string[];
}

export interface RunningGcsServer {
  /** `http://127.0.0.1:<port>`: the SDK's `apiEndpoint`. */
  endpoint: string;
  close(): Promise<void>;
}

/** A GCS error answer, in the JSON API's shape. */
function sendFailure(res: ServerResponse, code: number, message: string, reason: string): void {
  const body = JSON.stringify({ error: { code, message, errors: [{ message, domain: "global", reason }] } });
  res.writeHead(code, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function unauthorised(req: IncomingMessage, tokens: readonly string[] | undefined): [string, string] | undefined {
  if (tokens === undefined) return undefined;
  const header = req.headers.authorization;
  if (header === undefined) return ["Anonymous caller does not have storage.objects.get access to the Google Cloud Storage object.", "required"];
  const token = /^Bearer (.+)$/.exec(header)?.[1];
  return token !== undefined && tokens.includes(token) ? undefined : ["Invalid Credentials", "authError"];
}

const OBJECT_PATH = /^\/storage\/v1\/b\/[^/]+\/o\/[^/]+$/;
/** The bucket a JSON-API, upload or download path names. */
const BUCKET_IN_PATH = /^\/(?:upload\/|download\/)?storage\/v1\/b\/([^/]+)(?:\/|$)/;
/** `bucket/object` as GCS names it in a 404, from the request's path or its `name` parameter. */
function objectNameOf(url: URL): string {
  const match = /^\/(?:upload\/|download\/)?storage\/v1\/b\/([^/]+)\/o(?:\/([^/]+))?/.exec(url.pathname);
  return `${decodeURIComponent(match?.[1] ?? "")}/${decodeURIComponent(match?.[2] ?? url.searchParams.get("name") ?? "")}`;
}
const UNSUPPORTED_DELETE_CONDITIONS = ["ifGenerationNotMatch", "ifMetagenerationMatch", "ifMetagenerationNotMatch"];

function createFront(upstreamPort: number, options: GcsServerOptions): Server {
  const agent = new Agent({ keepAlive: true });
  const forward = (req: IncomingMessage, method: string, path: string, body: IncomingMessage | undefined) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      // The client's Host header goes through: the emulator builds resumable-upload session URLs
      // from it, so they point at the front, not around it.
      const headers = { ...req.headers };
      if (body === undefined) delete headers["content-length"];
      const upstream = request({ host: "127.0.0.1", port: upstreamPort, method, path, headers, agent }, resolve);
      upstream.once("error", reject);
      if (body === undefined) upstream.end();
      else body.pipe(upstream);
    });
  const relay = (answer: IncomingMessage, res: ServerResponse) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  };

  return createServer((req, res) => {
    void (async () => {
      const denied = unauthorised(req, options.accessTokens);
      if (denied !== undefined) {
        req.resume();
        return sendFailure(res, 401, denied[0], denied[1]);
      }
      const url = new URL(req.url ?? "/", "http://front");
      const wanted = url.searchParams.get("ifGenerationMatch");
      if (req.method !== "DELETE" || !OBJECT_PATH.test(url.pathname) || wanted === null) {
        const answer = await forward(req, req.method ?? "GET", req.url ?? "/", req);
        const bucket = BUCKET_IN_PATH.exec(url.pathname)?.[1];
        if (answer.statusCode !== 404 || bucket === undefined) return relay(answer, res);
        answer.resume();
        const found = await forward(req, "GET", `/storage/v1/b/${bucket}`, undefined);
        found.resume();
        if (found.statusCode === 404) return sendFailure(res, 404, "The specified bucket does not exist.", "notFound");
        return sendFailure(res, 404, `No such object: ${objectNameOf(url)}`, "notFound");
      }
      req.resume();
      const unsupported = UNSUPPORTED_DELETE_CONDITIONS.filter((name) => url.searchParams.has(name));
      if (unsupported.length > 0 || url.searchParams.has("generation") || !/^[1-9]\d*$/.test(wanted)) {
        return sendFailure(res, 501, `not supported by the test server's front: DELETE with ${url.search}`, "notImplemented");
      }
      url.searchParams.delete("ifGenerationMatch");
      url.searchParams.set("generation", wanted);
      const deleted = await forward(req, "DELETE", url.pathname + url.search, undefined);
      if (deleted.statusCode !== 404) return relay(deleted, res);
      deleted.resume();
      // That generation is not live: a precondition failure if the object exists, else 404.
      const probe = await forward(req, "GET", url.pathname, undefined);
      probe.resume();
      if (probe.statusCode === 200) return sendFailure(res, 412, "Precondition Failed", "conditionNotMet");
      return sendFailure(res, 404, `No such object: ${objectNameOf(url)}`, "notFound");
    })().catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendFailure(res, 502, `test server front: ${String(error)}`, "backendError");
    });
  });
}

/** Starts fake-gcs-server and its front, each on a fresh loopback port. */
export async function startGcsServer(options: GcsServerOptions = {}): Promise<RunningGcsServer> {
  const { server } = peer("fake-gcs-server");
  const upstreamPort = await freePort();
  const front = createFront(upstreamPort, options);
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(0, "127.0.0.1", resolve);
  });
  const endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  const closeFront = () =>
    new Promise<void>((resolve) => {
      front.closeAllConnections();
      front.close(() => resolve());
    });
  // -external-url: the links in object resources (mediaLink, selfLink) name the front too.
  // -public-host: Google's Go SDK (Pulumi) reads objects over the XML API at `<host>/<bucket>/<object>`;
  // the emulator serves that path only for requests to its public host, which is the front's.
  const args = [
    "-scheme", "http", "-backend", "memory", "-host", "127.0.0.1", "-port", String(upstreamPort),
    "-external-url", endpoint, "-public-host", new URL(endpoint).host, "-log-level", "error",
  ];
  const child = spawn(server, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-16_384));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code, signal) => reject(new Error(`fake-gcs-server exited (${signal ?? `code ${String(code)}`}) before listening:\n${output}`))),
  );
  exited.catch(() => {});
  const stop = async () => {
    await closeFront();
    await stopChild(child);
  };
  try {
    await Promise.race([waitForPort(upstreamPort), exited]);
    for (const name of options.buckets ?? []) {
      const created = await fetch(`http://127.0.0.1:${upstreamPort}/storage/v1/b?project=test`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      if (!created.ok) throw new Error(`fake-gcs-server did not create bucket ${name}: ${created.status} ${await created.text()}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, close: stop };
}
