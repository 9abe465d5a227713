import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";

/** One request as it crossed the wire, before the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/api/stacks/admin/demo/dev/update/<id>/checkpoint`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body bytes exactly as sent (still gzipped when the client gzipped them). */
  rawBody: Buffer;
  /** The body after undoing `Content-Encoding: gzip`, if any. */
  body(): Buffer;
  /** Whether the proxy gzipped the server's answer for the client. */
  answeredGzipped: boolean;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  /** Answers requests to this path (no query) with a 404 instead of forwarding (a server without the route). */
  notFound: Set<string>;
  /**
   * Lost answers: the first request a predicate matches is forwarded and the server's whole
   * answer read, then the client's connection is cut (the request took effect; its answer never
   * arrives). Each predicate is spent by its match.
   */
  loseAnswer: Array<(request: RecordedRequest) => boolean>;
  close(): Promise<void>;
}

/**
 * A tiny HTTP proxy in front of a real server: records every request's method, path, headers
 * and raw body, forwards it unchanged, and — when the client said `Accept-Encoding: gzip` —
 * gzips the server's answer (cairn-server answers plain), so a test sees the client decode it.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const notFound = new Set<string>();
  const loseAnswer: Array<(request: RecordedRequest) => boolean> = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const rawBody = Buffer.concat(chunks);
      const path = incoming.url ?? "/";
      const acceptsGzip = /\bgzip\b/.test(String(incoming.headers["accept-encoding"] ?? ""));
      const record: RecordedRequest = {
        method: incoming.method ?? "GET",
        path,
        headers: incoming.headers,
        rawBody,
        body: () => (incoming.headers["content-encoding"] === "gzip" ? gunzipSync(rawBody) : rawBody),
        answeredGzipped: false,
      };
      requests.push(record);
      const lose = loseAnswer.findIndex((matches) => matches(record));
      if (lose !== -1) loseAnswer.splice(lose, 1);
      if (notFound.has(path.split("?")[0] ?? path)) {
        outgoing.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: 404, message: "Not Found" }));
        return;
      }
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path, headers: { ...incoming.headers, host: upstream.host } },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => answerChunks.push(chunk));
          answer.on("end", () => {
            if (lose !== -1) return void incoming.socket.destroy();
            let payload = Buffer.concat(answerChunks);
            const headers = { ...answer.headers };
            delete headers["content-length"];
            delete headers["transfer-encoding"];
            if (acceptsGzip && payload.length > 0 && headers["content-encoding"] === undefined) {
              payload = gzipSync(payload);
              headers["content-encoding"] = "gzip";
              record.answeredGzipped = true;
            }
            outgoing.writeHead(answer.statusCode ?? 502, { ...headers, "content-length": String(payload.length) }).end(payload);
          });
        },
      );
      forward.on("error", (error) => outgoing.writeHead(502).end(error.message));
      forward.end(rawBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    notFound,
    loseAnswer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
