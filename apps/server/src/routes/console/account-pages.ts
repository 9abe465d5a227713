import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { addMembersPage } from "./members-page.js";
import { addOrgsPage } from "./orgs-page.js";
import { addSiteAdminPage } from "./site-admin-page.js";
import { addTokensPage } from "./tokens-page.js";

/**
 * The account pages: access tokens (Pulumi's `/user/settings/tokens`), organizations, members,
 * site admin. Added before the stack pages: `/<org>/settings/members` has the shape of
 * `/<org>/<project>/<stack>` and must win over it.
 */
export function addAccountPages(router: Router, services: Services): void {
  addTokensPage(router, services);
  addOrgsPage(router, services);
  addMembersPage(router, services);
  addSiteAdminPage(router, services);
}
