import { requestWholeAnswer } from "@cairn/core/driver";
import type { GitHttpRequest, GitHttpResponse } from "isomorphic-git";

/** How many redirects a GET follows (a POST is never redirected: git's smart protocol does not). */
const MAX_REDIRECTS = 5;
/** A connection silent this long is given up (the server or the network stalled), as ETIMEDOUT. */
const IDLE_TIMEOUT_MS = 60_000;

/** An answer read to its end: isomorphic-git's response with the body already in hand. */
export interface BufferedResponse extends GitHttpResponse {
  bytes: Buffer;
}

/**
 * One HTTP request for isomorphic-git, with the request body sent as one buffer (so it can be sent
 * again) and the whole answer read and checked complete before it is handed back (core's
 * `requestWholeAnswer`): isomorphic-git's pkt-line reader swallows a read error and takes whatever
 * arrived for the whole answer — a cut-short ref advertisement would read as a branch that does
 * not exist. Redirects of a GET are followed. No retries here (see `retrying-http.ts`).
 */
export async function sendOnce(request: GitHttpRequest, body: Buffer | undefined, redirects = 0): Promise<BufferedResponse> {
  const method = request.method ?? "GET";
  const url = new URL(request.url);
  const { status, statusMessage, headers: answered, bytes } = await requestWholeAnswer(url, {
    method,
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(body === undefined ? {} : { body }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    idleTimeoutMs: IDLE_TIMEOUT_MS,
  });
  const location = answered.location;
  if (method === "GET" && status >= 300 && status < 400 && location !== undefined && redirects < MAX_REDIRECTS) {
    const next = new URL(location, request.url);
    // The credential goes only to the origin it was meant for, never to where a redirect points.
    const headers = next.origin === new URL(request.url).origin ? request.headers : withoutAuthorization(request.headers);
    return sendOnce({ ...request, url: next.href, ...(headers === undefined ? {} : { headers }) }, undefined, redirects + 1);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answered)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return { url: request.url, method, statusCode: status, statusMessage, headers, bytes, body: once(bytes) };
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
