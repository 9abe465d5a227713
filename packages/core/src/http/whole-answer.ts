import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { redactUrl } from "../credentials/redact-url.js";

/** An HTTP answer read to its end. */
export interface WholeAnswer {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
}

export interface WholeAnswerOptions {
  method: string;
  headers?: Record<string, string>;
  /** Sent as one buffer, with its Content-Length. */
  body?: Uint8Array;
  signal?: AbortSignal;
  /** A connection silent this long is given up, as `ETIMEDOUT` (default: none). */
  idleTimeoutMs?: number;
}

/**
 * An answer whose body ended before the answer did (fewer bytes than its Content-Length, or a
 * chunked body without its last chunk): the request reached the server, the answer did not reach
 * us. Its `code` is `ECONNRESET`, so every driver's classifier already reads it as a retryable,
 * ambiguous transport failure.
 */
export class AnswerCutShortError extends Error {
  readonly code = "ECONNRESET";
  constructor(url: string, received: number, expected: string | undefined, cause?: unknown) {
    super(`the answer from ${redactUrl(url)} was cut short after ${received}${expected === undefined ? "" : ` of ${expected}`} bytes`, { cause });
    this.name = "AnswerCutShortError";
  }
}

/**
 * One exchange over Node's own http/https, the whole answer read before it is returned, for
 * drivers whose SDK's HTTP layer loses a cut-short body (node-fetch 2 pipes it and never ends or
 * fails; isomorphic-git's pkt-line reader takes what arrived for the whole answer). Any status is
 * returned; failures before the answer are the network's errno errors (ECONNREFUSED, ENOTFOUND,
 * ECONNRESET, ETIMEDOUT), a body cut short is an `AnswerCutShortError`.
 */
export async function requestWholeAnswer(url: URL, options: WholeAnswerOptions): Promise<WholeAnswer> {
  // node:http and node:https on first request, not at start-up: loading them (with tls and net)
  // costs >10 ms, and a command on a file:// backend never makes a request.
  const { request: send } = url.protocol === "https:" ? await import("node:https") : await import("node:http");
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-length"] = String(options.body.byteLength);
    const outgoing = send(url, { method: options.method, headers, ...(options.signal === undefined ? {} : { signal: options.signal }) }, (message) => {
      readWhole(url.href, message).then(
        (bytes) => resolve({ status: message.statusCode ?? 0, statusMessage: message.statusMessage ?? "", headers: message.headers, bytes }),
        reject,
      );
    });
    const idle = options.idleTimeoutMs;
    if (idle !== undefined) {
      outgoing.setTimeout(idle, () => outgoing.destroy(Object.assign(new Error(`no answer from ${redactUrl(url.href)} within ${idle / 1000} s`), { code: "ETIMEDOUT" })));
    }
    outgoing.once("error", reject);
    outgoing.end(options.body === undefined ? undefined : Buffer.from(options.body.buffer, options.body.byteOffset, options.body.byteLength));
  });
}

/** The body; Node fails one cut short with "aborted", and `complete` says the whole message arrived. */
async function readWhole(url: string, message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of message) {
      chunks.push(chunk as Buffer);
      received += (chunk as Buffer).byteLength;
    }
  } catch (error) {
    throw new AnswerCutShortError(url, received, message.headers["content-length"], error);
  }
  if (!message.complete) throw new AnswerCutShortError(url, received, message.headers["content-length"]);
  return Buffer.concat(chunks);
}
