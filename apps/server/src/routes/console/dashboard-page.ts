import { sendHtml } from "../../http/respond.js";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { html } from "../../web/html.js";
import { stackListPage } from "../../web/pages/stack-list.js";
import { redirect, sessionPrincipal, webRoute } from "../../web/web-route.js";
import { filtersOf, loadStackRows } from "./stack-listing.js";

/**
 * `GET /`: every organization the signed-in user belongs to, and all their stacks, filterable.
 * Signed out, the front page is plainly the sign-in form (no `next`: it would come back here anyway).
 */
export function addDashboardPage(router: Router, services: Services): void {
  router.add("GET", "/", webRoute(async ({ request, response, query }) => {
    const principal = await sessionPrincipal(services, request);
    if (principal === undefined) return redirect(response, "/login");
    const filters = filtersOf(query);
    const orgs = (await services.accounts.organizationsOf(principal.user.name)).sort();
    const { rows, projects, total } = await loadStackRows(services, orgs, filters);
    sendHtml(response, 200, stackListPage({
      principal,
      title: "Stacks",
      heading: html`Stacks of <span id="user">${principal.user.name}</span>`,
      action: "/",
      orgs,
      singleOrg: false,
      filters,
      projects,
      rows,
      total,
    }));
  }));
}
