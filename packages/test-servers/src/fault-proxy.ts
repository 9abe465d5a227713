import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A fault-injecting reverse proxy for tests: it sits between a real client (an SDK, `git`, the
 * service client) and a real server (moto, Azurite, fake-gcs-server, `git http-backend`,
 * cairn-server) on a fresh loopback port, and injects the failures a network and a loaded service
 * produce. What the client is told and what the server did can then be compared.
 *
 * - `drop-response`: the request is forwarded and the server's whole answer is read (the write
 *   landed), then the client's connection is destroyed without a byte of it: the ambiguous write.
 * - `reset`: the client's connection is destroyed before anything is forwarded.
 * - `status`: 500, 503 or 429 is answered without forwarding (the server never sees the request).
 * - `delay`: the request (before forwarding) or the answer (before relaying) is held for a few
 *   hundred milliseconds at most: real but short.
 * - `truncate`: the request is forwarded; the client gets the status line, the server's headers
 *   (so the length it announced) and only part of the body, then the connection closes. An answer
 *   without a body cannot be cut short: it is relayed whole and no fault is counted (a cut before
 *   the answer would be a `drop-response`, and is measured as one).
 *
 * Decisions come from a PRNG seeded with `seed`: the n-th eligible request always draws the same
 * numbers, so a run is reproducible as far as the order of requests is. Requests that the filter
 * excludes, and everything while `calm` is set, pass untouched and draw nothing.
 *
 * The Host header the client sent is forwarded unchanged: S3 signatures cover it, and servers that
 * build URLs from it (fake-gcs-server's upload sessions) then point them back at the proxy.
 */
export type FaultKind = "drop-response" | "reset" | "status" | "delay" | "truncate";

export const FAULT_KINDS: readonly FaultKind[] = ["drop-response", "reset", "status", "delay", "truncate"];

/** What the filter sees of a request. */
export interface FaultCandidate {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
}

export interface FaultProxyOptions {
  /** The server to forward to: `http://host:port` (plain HTTP; a path is ignored). */
  target: string;
  /** Seeds the PRNG; the same seed makes the same decisions for the same sequence of requests. */
  seed: number;
  /** Probability (0..1) per eligible request of each fault kind; they must sum to at most 1. */
  faults: Partial<Readonly<Record<FaultKind, number>>>;
  /** Which requests may be faulted (default: all). See `writesOnly`. */
  filter?: (request: FaultCandidate) => boolean;
  /** The statuses a `status` fault answers, one chosen per fault (default 500, 503, 429). */
  statuses?: readonly number[];
  /** Upper bound of a `delay` fault in ms (default 250; chosen uniformly from a fifth of it up). */
  maxDelayMs?: number;
  /** Start calm: forward everything untouched until `calm` is set to false. Default false. */
  calm?: boolean;
}

/** One injected fault, for a report. */
export interface FaultEvent {
  kind: FaultKind;
  method: string;
  path: string;
  /** `status`: the status answered; `delay`: the ms held; `truncate`: the body bytes sent. */
  detail?: number;
}

export interface FaultProxyStats {
  /** Every request the proxy received, calm or not. */
  requests: number;
  /** Requests that were eligible for a fault (not calm, matched the filter). */
  eligible: number;
  /** Faults injected, per kind. */
  faults: Record<FaultKind, number>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>` */
  host: string;
  port: number;
  /** While true, everything passes untouched and draws nothing from the PRNG. */
  calm: boolean;
  stats(): FaultProxyStats;
  /** The last 1000 faults injected, oldest first. */
  events(): readonly FaultEvent[];
  close(): Promise<void>;
}

const WRITE_METHODS = new Set(["PUT", "POST", "DELETE", "PATCH"]);

/** A filter that lets only writes (PUT, POST, DELETE, PATCH) be faulted. */
export const writesOnly = (request: FaultCandidate): boolean => WRITE_METHODS.has(request.method);

/** Headers between client and proxy only. `expect`: the proxy already answered 100-continue. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "te", "upgrade", "expect"];

/** mulberry32: small, fast, and the same numbers for the same seed on every platform. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Decision {
  kind: FaultKind | undefined;
  /** Three further draws, always taken, so one request's fault never shifts the next one's. */
  a: number;
  b: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== "http:") throw new Error(`fault proxy: the target must be an http:// origin, not ${options.target}`);
  const probabilities = FAULT_KINDS.map((kind) => [kind, options.faults[kind] ?? 0] as const);
  const total = probabilities.reduce((sum, [, p]) => sum + p, 0);
  if (probabilities.some(([, p]) => !(p >= 0 && p <= 1)) || total > 1 + 1e-9) {
    throw new Error(`fault proxy: fault probabilities must each be in 0..1 and sum to at most 1 (got ${JSON.stringify(options.faults)})`);
  }
  const statuses = options.statuses ?? [500, 503, 429];
  const maxDelayMs = options.maxDelayMs ?? 250;
  const random = prng(options.seed);
  const agent = new Agent({ keepAlive: true });
  const stats: FaultProxyStats = { requests: 0, eligible: 0, faults: { "drop-response": 0, reset: 0, status: 0, delay: 0, truncate: 0 } };
  const log: FaultEvent[] = [];
  const sockets = new Set<Socket>();
  let calm = options.calm ?? false;

  const decide = (): Decision => {
    const roll = random();
    const a = random();
    const b = random();
    let cumulative = 0;
    for (const [kind, p] of probabilities) {
      cumulative += p;
      if (roll < cumulative) return { kind, a, b };
    }
    return { kind: undefined, a, b };
  };
  const record = (event: FaultEvent) => {
    stats.faults[event.kind]++;
    log.push(event);
    if (log.length > 1000) log.shift();
  };

  const server = createServer((req, res) => {
    stats.requests++;
    const candidate = { method: req.method ?? "GET", path: req.url ?? "/" };
    const eligible = !calm && (options.filter?.(candidate) ?? true);
    if (eligible) stats.eligible++;
    const decision: Decision = eligible ? decide() : { kind: undefined, a: 0, b: 0 };
    const event = (detail?: number): FaultEvent => ({ kind: decision.kind!, ...candidate, ...(detail === undefined ? {} : { detail }) });
    const hangUp = () => req.socket.destroy();

    switch (decision.kind) {
      case "reset":
        record(event());
        return hangUp();
      case "status": {
        const status = statuses[Math.floor(decision.a * statuses.length)] ?? 503;
        record(event(status));
        // Read the whole request first, as a server answering an error does: answering mid-upload
        // would turn the fault into a broken pipe.
        req.resume();
        req.once("end", () => {
          const body = JSON.stringify({ error: { code: status, message: `injected by the fault proxy: ${status}` } });
          res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
        });
        return;
      }
      case "delay": {
        const ms = Math.round(maxDelayMs * (0.2 + 0.8 * decision.a));
        record(event(ms));
        if (decision.b < 0.5) {
          req.pause();
          setTimeout(() => forward(req, res, (answer, body) => relay(answer, body, res)), ms);
        } else {
          forward(req, res, (answer, body) => setTimeout(() => relay(answer, body, res), ms));
        }
        return;
      }
      case "drop-response":
        return forward(req, res, () => {
          record(event());
          hangUp();
        });
      case "truncate":
        return forward(req, res, (answer, body) => {
          if (body.length === 0) return relay(answer, body, res);
          const sent = Math.floor(body.length * decision.a);
          record(event(sent));
          res.writeHead(answer.statusCode ?? 502, relayedHeaders(answer.headers));
          res.flushHeaders();
          // end() sends what was written, then closes: the client sees the body stop short of the
          // length announced (or of the last chunk). destroy() would discard the queued bytes.
          if (sent > 0) res.write(body.subarray(0, sent));
          req.socket.end();
          setTimeout(hangUp, 1000).unref();
        });
      default:
        return forward(req, res, (answer, body) => relay(answer, body, res));
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  /** Forwards `req` to the target and hands over the complete answer (the server is done with it). */
  const forward = (req: IncomingMessage, res: ServerResponse, answered: (answer: IncomingMessage, body: Buffer) => void) => {
    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.once("end", () => answered(answer, Buffer.concat(chunks)));
      answer.once("error", () => req.socket.destroy());
    });
    // The target failing is passed on as the network would: the client's connection ends.
    upstream.once("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end("fault proxy: the target did not answer");
      else req.socket.destroy();
    });
    req.once("error", () => upstream.destroy());
    req.pipe(upstream);
    req.resume();
  };
  const relay = (answer: IncomingMessage, body: Buffer, res: ServerResponse) => {
    if (res.destroyed) return;
    const headers = relayedHeaders(answer.headers);
    // The body is relayed whole, so its length is known; a chunked answer becomes a sized one.
    if (headers["transfer-encoding"] !== undefined) {
      delete headers["transfer-encoding"];
      headers["content-length"] = String(body.length);
    }
    res.writeHead(answer.statusCode ?? 502, headers).end(body);
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    get calm() {
      return calm;
    },
    set calm(value: boolean) {
      calm = value;
    },
    stats: () => structuredClone(stats),
    events: () => [...log],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The target's headers minus hop-by-hop ones (the proxy manages its own connection to the client). */
function relayedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}
