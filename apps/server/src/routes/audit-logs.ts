import type { ServerResponse } from "node:http";
import { CairnError } from "@cairn/core";
import { authenticate, requireRole } from "../access.js";
import type { AuditScope } from "../audit/event.js";
import type { AuditStreamOptions } from "../audit/audit-log.js";
import { sendJson } from "../http/respond.js";
import type { RouteContext, Router } from "../http/router.js";
import type { Services } from "../services.js";

/**
 * Reading the audit log: `GET /api/orgs/:org/auditlogs` (the organization's admins) and
 * `GET /api/admin/auditlogs` (the site's log: users, tokens, sign-ins, new organizations; site
 * admins). JSON lines by default, streamed, newest first (`?order=oldest` for the other way),
 * optionally `?since=` / `?until=` (ISO times, inclusive); `?format=json&limit=&before=` is one
 * page for the console, `{ events, next }`. Reading the log is not itself recorded.
 */
export function addAuditLogRoutes(router: Router, services: Services): void {
  router.add("GET", "/api/orgs/:org/auditlogs", async (context) => {
    const principal = await authenticate(services, context.request);
    const org = context.params.org ?? "";
    await requireRole(services, principal, org, "admin");
    await answerAuditLog(services, context, { org });
  });

  router.add("GET", "/api/admin/auditlogs", async (context) => {
    const principal = await authenticate(services, context.request);
    if (!principal.user.siteAdmin) throw new CairnError("PermissionDenied", "only a site admin may read the site's audit log", { hint: "an organization's admins read its log at /api/orgs/<org>/auditlogs" });
    await answerAuditLog(services, context, "site");
  });
}

/**
 * Answers with a log: one JSON page (`?format=json`), or the whole log as JSON lines, streamed;
 * `download` names it as a file (the console's export link).
 */
export async function answerAuditLog(services: Services, { query, response }: RouteContext, scope: AuditScope, download?: string): Promise<void> {
  if (query.get("format") === "json") {
    const limit = query.get("limit");
    const before = query.get("before");
    sendJson(response, 200, await services.audit.list(scope, { ...(limit === null ? {} : { limit: Number.parseInt(limit, 10) || 50 }), ...(before === null || before === "" ? {} : { before }) }));
    return;
  }
  const options: AuditStreamOptions = {};
  const since = timeParameter(query, "since");
  const until = timeParameter(query, "until");
  if (since !== undefined) options.since = since;
  if (until !== undefined) options.until = until;
  const order = query.get("order");
  if (order !== null && order !== "newest" && order !== "oldest") throw new CairnError("InvalidArgument", "order must be newest or oldest");
  if (order !== null) options.order = order;
  const events = services.audit.stream(scope, options);
  // The first event is read before answering, so a failing store is a JSON error, not a cut stream.
  const first = await events.next();
  response.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", ...(download === undefined ? {} : { "content-disposition": `attachment; filename="${download}"` }) });
  if (!first.done) await writeLine(response, `${JSON.stringify(first.value)}\n`);
  for await (const event of events) await writeLine(response, `${JSON.stringify(event)}\n`);
  response.end();
}

function timeParameter(query: URLSearchParams, name: string): Date | undefined {
  const text = query.get(name);
  if (text === null || text === "") return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new CairnError("InvalidArgument", `${name}=${JSON.stringify(text.slice(0, 40))} is not a time`, { hint: "use an ISO 8601 time, e.g. 2026-12-01T00:00:00Z" });
  return new Date(ms);
}

/** Writes with backpressure: a slow reader holds the export back instead of filling memory. */
function writeLine(response: ServerResponse, line: string): Promise<void> {
  if (response.write(line)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      response.off("drain", onDrain);
      response.off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new CairnError("Canceled", "the client closed the export"));
    response.once("drain", onDrain);
    response.once("close", onClose);
  });
}
