import { CairnError } from "@cairn/core";
import { requireRole } from "../../access.js";
import type { AuditScope } from "../../audit/event.js";
import { isEventId } from "../../audit/event-keys.js";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { auditLogPage } from "../../web/pages/audit-log-page.js";
import { sessionPage } from "../../web/session-routes.js";
import { redirect, sessionPrincipal, webRoute, type WebPrincipal } from "../../web/web-route.js";
import { signInFor } from "../../web/next-path.js";
import { answerAuditLog } from "../audit-logs.js";

/** Events per page of the console's audit log. */
const PAGE = 50;

/**
 * The audit logs in the console: an organization's (`/<org>/settings/audit-log`, its admins) and
 * the site's (`/site-admin/audit-log`, site admins; 404 for anyone else, as the site admin page).
 * Each has an `/export`: the whole log as JSON lines, as the API's export gives it.
 */
export function addAuditLogPages(router: Router, services: Services): void {
  const orgScope = async (principal: WebPrincipal, org: string): Promise<AuditScope> => {
    await requireRole(services, principal, org, "admin");
    return { org };
  };
  const siteScope = (principal: WebPrincipal): AuditScope => {
    if (!principal.user.siteAdmin) throw new CairnError("NotFound", "no such page");
    return "site";
  };
  const orgPath = (org: string) => `/${encodeURIComponent(org)}/settings/audit-log`;

  router.add("GET", "/:org/settings/audit-log", sessionPage(services, async ({ params, query }, principal) => {
    const org = params.org ?? "";
    return render(await orgScope(principal, org), principal, query, orgPath(org));
  }));
  router.add("GET", "/site-admin/audit-log", sessionPage(services, async ({ query }, principal) => render(siteScope(principal), principal, query, "/site-admin/audit-log")));

  // The downloads answer with the log itself, not a page; signed out, the browser signs in and comes back.
  const exportRoute = (scopeOf: (principal: WebPrincipal, params: Record<string, string>) => Promise<AuditScope> | AuditScope, fileName: (params: Record<string, string>) => string) =>
    webRoute(async (context) => {
      const principal = await sessionPrincipal(services, context.request);
      if (principal === undefined) return redirect(context.response, signInFor(context.request.url ?? "/"));
      await answerAuditLog(services, context, await scopeOf(principal, context.params), fileName(context.params));
    });
  router.add("GET", "/:org/settings/audit-log/export", exportRoute((principal, params) => orgScope(principal, params.org ?? ""), (params) => `cairn-audit-${params.org ?? "org"}.jsonl`));
  router.add("GET", "/site-admin/audit-log/export", exportRoute((principal) => siteScope(principal), () => "cairn-audit-site.jsonl"));

  async function render(scope: AuditScope, principal: WebPrincipal, query: URLSearchParams, path: string): Promise<string> {
    const before = query.get("before") ?? "";
    if (before !== "" && !isEventId(before)) throw new CairnError("InvalidArgument", "that is not a page of this log", { hint: "start again from the newest events" });
    const { events, next } = await services.audit.list(scope, { limit: PAGE, ...(before === "" ? {} : { before }) });
    return auditLogPage({ principal, ...(scope === "site" ? {} : { org: scope.org }), events, ...(next === undefined ? {} : { next }), newest: before === "", path, exportPath: `${path}/export` });
  }
}
