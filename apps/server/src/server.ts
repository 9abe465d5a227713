import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Server } from "node:net";
import { CairnError } from "@cairn/core";
import { type StateStore } from "@cairn/core/driver";
import { Accounts } from "./accounts/accounts.js";
import { WebSessions } from "./accounts/web-sessions.js";
import { DeltaBases } from "./checkpoints/delta-bases.js";
import { bootstrapAdmin } from "./accounts/bootstrap.js";
import { sendError, sendJson } from "./http/respond.js";
import { Router } from "./http/router.js";
import { statusOf } from "./http/status.js";
import { lingerForBody } from "./http/linger.js";
import { createHttpsListener, type TlsFiles, type TlsReloadEvent } from "./http/tls.js";
import { jsonLogger, type Logger } from "./log.js";
import { JsonRecords } from "./records/json-records.js";
import { StackSealedRecords } from "./records/stack-sealed-records.js";
import { addIdentityRoutes } from "./routes/identity.js";
import { addSecretsRoutes } from "./routes/secrets.js";
import { addStackRoutes } from "./routes/stacks.js";
import { addUpdateRoutes } from "./routes/updates.js";
import { consolePages } from "./routes/console/index.js";
import { addWebLoginRoutes } from "./routes/web-login.js";
import type { Services } from "./services.js";
import { DataKeys } from "./state/data-keys.js";
import type { MasterKeyRing } from "./state/master-key.js";
import { OrgState } from "./state/org-state.js";
import { UpdateEvents } from "./updates/events.js";
import { StackActivity } from "./updates/stack-activity.js";
import { UpdateJournal } from "./updates/update-journal.js";
import { Updates } from "./updates/updates.js";

export interface ServerOptions {
  /** Where everything is kept: state, accounts, leases, history. */
  store: StateStore;
  masterKeys: MasterKeyRing;
  port?: number;
  /** Default 127.0.0.1: listening on other interfaces is an explicit choice. */
  host?: string;
  /** Largest request body accepted (default 64 MiB: a checkpoint of many thousand resources). */
  maxBodyBytes?: number;
  /**
   * A request (headers and body) must arrive within this time (default 60 s), so a client
   * dribbling a body cannot hold a connection open; headers within a third of it.
   */
  requestTimeoutMs?: number;
  /** Open connections at most (default 1024); further ones are refused until some close. */
  maxConnections?: number;
  /** How long an update's lease lasts without renewal (default 5 minutes). */
  leaseSeconds?: number;
  /** Token for the bootstrap admin instead of a generated one (`CAIRN_SERVER_ADMIN_TOKEN`). */
  adminToken?: string;
  /** The URL clients reach the server at, when behind a proxy (default: the listening address). */
  publicUrl?: string;
  /** Serve https with these PEM files (re-read when they change); the public URL then defaults to https. */
  tls?: TlsFiles;
  /** Called after each certificate reload attempt, successful or not. */
  onTlsReload?: (event: TlsReloadEvent) => void;
  logger?: Logger;
  /** The clock web sessions expire by (tests inject one; default `Date.now`). */
  now?: () => number;
}

export interface RunningServer {
  /** `http://host:port`, or `https://…` with `tls`. */
  url: string;
  port: number;
  /** The bootstrap admin's token when this start created it and generated the token; print it once. */
  bootstrapToken?: string;
  /** With `tls`: re-read the certificate files now (SIGHUP); a bad pair keeps the old one. */
  reloadTls?(reason?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? jsonLogger();
  const records = new JsonRecords(options.store);
  if (!options.store.capabilities.conditionalWrite) {
    throw new CairnError("InvalidArgument", `the store ${options.store.url} has no conditional writes; the server needs them to keep instances consistent`);
  }
  const accounts = new Accounts(records);
  const webSessions = new WebSessions(records, options.now);
  const dataKeys = new DataKeys(records, options.masterKeys);
  const state = new OrgState(options.store, dataKeys);
  const leaseMs = (options.leaseSeconds ?? 300) * 1000;
  let baseUrl = options.publicUrl ?? "";
  const sealed = new StackSealedRecords(options.store, dataKeys);
  const services: Services = {
    accounts,
    webSessions,
    state,
    updates: new Updates(records, state, leaseMs, new UpdateEvents(sealed), new UpdateJournal(sealed)),
    stackActivity: new StackActivity(options.store, records),
    deltaBases: new DeltaBases(),
    dataKeys,
    logger,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
    leaseMs,
    baseUrl: () => baseUrl,
  };
  const router = new Router();
  router.add("GET", "/healthz", async ({ response }) => sendJson(response, 200, { status: "ok" }));
  // Specific stack paths first: `…/{stack}/{kind}` would otherwise swallow `…/import`, `…/rename`.
  addIdentityRoutes(router, services);
  addStackRoutes(router, services);
  addSecretsRoutes(router, services);
  addUpdateRoutes(router, services);
  addWebLoginRoutes(router, services);
  // The console pages the Pulumi CLI links to: asked only when nothing above matched, never for /api/….
  const pages = consolePages(services);
  const routes = { match: (method: string, path: string) => router.match(method, path) ?? pages.match(method, path) };

  const handler = (request: IncomingMessage, response: ServerResponse): void => void handle(routes, services, request, response);
  // Before the bootstrap: a wrong certificate path fails the start before the store is written.
  // Slow clients: the whole request within requestTimeout, headers within a third of it; Node
  // checks these every connectionsCheckingInterval, so that interval is kept well below them.
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const timeouts = { requestTimeout: requestTimeoutMs, headersTimeout: Math.ceil(requestTimeoutMs / 3), connectionsCheckingInterval: Math.max(50, Math.ceil(requestTimeoutMs / 10)) };
  const https = options.tls === undefined ? undefined : await createHttpsListener(options.tls, handler, logger, options.onTlsReload, timeouts);
  const bootstrapToken = await bootstrapAdmin(accounts, options.adminToken);
  const server = https?.server ?? createServer(timeouts, handler);
  server.maxConnections = options.maxConnections ?? 1024;
  await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? "127.0.0.1";
  const url = `${https ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  baseUrl ||= url;
  logger.info("listening", { url, store: options.store.url });
  return {
    url,
    port,
    ...(bootstrapToken === undefined ? {} : { bootstrapToken }),
    ...(https === undefined ? {} : { reloadTls: (reason = "requested") => https.reload(reason) }),
    close: async () => {
      https?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await options.store.close();
    },
  };
}

async function handle(router: Pick<Router, "match">, services: Services, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = Date.now();
  const url = new URL(request.url ?? "/", "http://localhost");
  try {
    refuseDotSegments(request.url ?? "/");
    const matched = router.match(request.method ?? "GET", url.pathname);
    if (matched === undefined) throw new CairnError("NotFound", `no route for ${request.method} ${url.pathname}`);
    await matched.handler({ request, response, params: matched.params, query: url.searchParams });
  } catch (error) {
    if (statusOf(error) >= 500) services.logger.error("request failed", { method: request.method, path: url.pathname, error: error instanceof Error ? error.message : String(error) });
    if (!response.headersSent) {
      // A refused upload is read to its end (for a few seconds at most) before the answer, so the client gets it.
      await lingerForBody(request);
      sendError(response, error);
    } else response.destroy();
    // Whatever is still unread after that is drained or the connection closed, so a refused upload stops.
    if (!request.complete) request.resume();
  } finally {
    // The path only: query strings (continuation tokens) and headers (tokens) are not logged.
    services.logger.info("request", { method: request.method, path: url.pathname, status: response.statusCode, ms: Date.now() - started });
  }
}

/**
 * URL parsing silently resolves `..` (also `%2E%2E`); a request whose raw path has such a segment
 * is refused instead, so no name ever arrives that the client did not literally send.
 */
function refuseDotSegments(rawUrl: string): void {
  const path = rawUrl.split("?")[0] ?? "";
  for (const segment of path.split("/")) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // the router reports bad encoding
    }
    if (decoded === "." || decoded === "..") throw new CairnError("InvalidArgument", "the request path may not contain . or .. segments");
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
