import { requireRole } from "../../access.js";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { html } from "../../web/html.js";
import { orgPath } from "../../web/pages/paths.js";
import { stackListPage } from "../../web/pages/stack-list.js";
import { sessionPage } from "../../web/session-routes.js";
import { filtersOf, loadStackRows } from "./stack-listing.js";

/**
 * `GET /<org>`: one organization's stacks. A one-segment pattern, so it is added after every
 * fixed console path (`/orgs`, `/welcome/…`): those win, and their names are reserved for accounts.
 * A non-member gets the same 404 as for an organization that does not exist.
 */
export function addOrgPage(router: Router, services: Services): void {
  router.add("GET", "/:org", sessionPage(services, async ({ params, query }, principal) => {
    const org = params.org ?? "";
    await requireRole(services, principal, org, "read");
    const filters = filtersOf(query);
    const { rows, projects, total } = await loadStackRows(services, [org], filters);
    return stackListPage({
      principal,
      title: org,
      heading: html`Stacks of <span id="org">${org}</span>`,
      action: orgPath(org),
      crumbs: [{ label: "Stacks", href: "/" }],
      orgs: [org],
      singleOrg: true,
      filters,
      projects,
      rows,
      total,
    });
  }));
}
