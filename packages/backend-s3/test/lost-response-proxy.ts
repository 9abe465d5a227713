import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Which request to disturb, and how. */
export interface ResponseFault {
  matches: (request: IncomingMessage) => boolean;
  /**
   * `lost-answer`: forwarded, the server's whole answer read, then the client's connection is cut
   * (the write landed; its answer never arrives). `not-sent`: cut before forwarding.
   */
  kind: "lost-answer" | "not-sent";
  /** Runs before the request would reach the server: another client acting in the window. */
  meanwhile?: () => Promise<void>;
}

export interface LostResponseProxy {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Faults still to happen; each is spent by the first request it matches. */
  faults: ResponseFault[];
  /** `METHOD path` of every request that was forwarded to the server. */
  forwarded: string[];
  close(): Promise<void>;
}

/**
 * A few lines of HTTP proxy in front of a real S3 server (moto): forwards every request as it came
 * (headers untouched, so signatures still hold), and cuts the connection of chosen ones — after
 * the server answered (a lost response) or before it saw them. The S3 SDK then sees what it sees
 * on a real network: a socket hang up (ECONNRESET).
 */
export async function startLostResponseProxy(target: string): Promise<LostResponseProxy> {
  const upstream = new URL(target);
  const faults: ResponseFault[] = [];
  const forwarded: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      void (async () => {
        const index = faults.findIndex((fault) => fault.matches(incoming));
        const fault = index === -1 ? undefined : faults.splice(index, 1)[0];
        await fault?.meanwhile?.();
        if (fault?.kind === "not-sent") return void incoming.socket.destroy();
        forwarded.push(`${incoming.method} ${incoming.url}`);
        const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => answerChunks.push(chunk));
          answer.on("end", () => {
            if (fault?.kind === "lost-answer") return void incoming.socket.destroy();
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(answerChunks));
          });
        });
        forward.on("error", (error) => outgoing.writeHead(502).end(error.message));
        forward.end(Buffer.concat(chunks));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    faults,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
