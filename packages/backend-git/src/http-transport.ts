import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { GitHttpRequest, GitHttpResponse } from "isomorphic-git";

/** How many redirects a GET follows (a POST is never redirected: git's smart protocol does not). */
const MAX_REDIRECTS = 5;
/** A connection silent this long is given up (the server or the network stalled), as ETIMEDOUT. */
const IDLE_TIMEOUT_MS = 60_000;

/**
 * The answer's body ended before the answer did (fewer bytes than its Content-Length, or a chunked
 * body without its last chunk). isomorphic-git's pkt-line reader swallows a read error and takes
 * whatever arrived for the whole answer — a cut-short ref advertisement reads as a branch that
 * does not exist — so cut-short answers are caught here, before it parses anything.
 */
export class CutShortError extends Error {
  readonly code = "CairnGitCutShort";
  constructor(url: string, received: number, expected: string | undefined) {
    super(`the git server's answer to ${redacted(url)} was cut short (${received} bytes${expected === undefined ? "" : ` of ${expected}`})`);
    this.name = "CutShortError";
  }
}

/** An answer read to its end: isomorphic-git's response with the body already in hand. */
export interface BufferedResponse extends GitHttpResponse {
  bytes: Buffer;
}

/**
 * One HTTP request for isomorphic-git, over node:http(s), with the request body sent as one
 * buffer (so it can be sent again) and the whole answer read and checked complete before it is
 * handed back. Redirects of a GET are followed. No retries here (see `retrying-http.ts`).
 */
export async function sendOnce(request: GitHttpRequest, body: Buffer | undefined, redirects = 0): Promise<BufferedResponse> {
  const method = request.method ?? "GET";
  const answer = await new Promise<{ message: IncomingMessage; bytes: Buffer }>((resolve, reject) => {
    const url = new URL(request.url);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...request.headers };
    if (body !== undefined) headers["content-length"] = String(body.length);
    const outgoing = send(url, { method, headers, ...(request.signal === undefined ? {} : { signal: request.signal }) }, (message) => {
      const chunks: Buffer[] = [];
      message.on("data", (chunk: Buffer) => chunks.push(chunk));
      message.once("error", reject);
      message.once("aborted", () => reject(new CutShortError(request.url, Buffer.concat(chunks).length, message.headers["content-length"])));
      message.once("end", () => {
        const bytes = Buffer.concat(chunks);
        if (!message.complete) reject(new CutShortError(request.url, bytes.length, message.headers["content-length"]));
        else resolve({ message, bytes });
      });
    });
    outgoing.setTimeout(IDLE_TIMEOUT_MS, () => outgoing.destroy(Object.assign(new Error(`no answer from ${redacted(request.url)} within ${IDLE_TIMEOUT_MS / 1000} s`), { code: "ETIMEDOUT" })));
    outgoing.once("error", reject);
    outgoing.end(body);
  });
  const { message, bytes } = answer;
  const status = message.statusCode ?? 0;
  const location = message.headers.location;
  if (method === "GET" && status >= 300 && status < 400 && location !== undefined && redirects < MAX_REDIRECTS) {
    const next = new URL(location, request.url);
    // The credential goes only to the origin it was meant for, never to where a redirect points.
    const headers = next.origin === new URL(request.url).origin ? request.headers : withoutAuthorization(request.headers);
    return sendOnce({ ...request, url: next.href, ...(headers === undefined ? {} : { headers }) }, undefined, redirects + 1);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return { url: request.url, method, statusCode: status, statusMessage: message.statusMessage ?? "", headers, bytes, body: once(bytes) };
}

function withoutAuthorization(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  return headers === undefined ? undefined : Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
}

/** The body as the async iterator isomorphic-git reads. */
function once(bytes: Buffer): AsyncIterableIterator<Uint8Array> {
  return (async function* () {
    if (bytes.length > 0) yield bytes;
  })();
}

/** A URL without its user-info, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.href;
  } catch {
    return "the git server";
  }
}
