import { CairnError } from "@cairn/core";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { SITE_ADMIN_USERS_PATH, siteAdminUsersPage, type SiteAdminView } from "../../web/pages/account-site-admin.js";
import { sessionForm, sessionPage } from "../../web/session-routes.js";
import type { WebPrincipal } from "../../web/web-route.js";
import { runForm } from "./account-forms.js";

/**
 * `/site-admin/users`, for site admins only: to anyone else it is a 404, as if it did not exist.
 * Creating a user is `POST /api/admin/users` then `POST /api/admin/users/<user>/tokens`, through the
 * same `Accounts` calls; the answer page shows that first token once.
 */
export function addSiteAdminPage(router: Router, services: Services): void {
  const render = async (principal: WebPrincipal, extra: Omit<SiteAdminView, "principal" | "users" | "serverUrl"> = {}) => {
    const active = new Map<string, number>();
    for (const token of await services.accounts.allTokens()) {
      if (token.revokedAt === undefined) active.set(token.user, (active.get(token.user) ?? 0) + 1);
    }
    const users = [];
    for (const user of await services.accounts.listUsers()) {
      users.push({ user, organizations: await services.accounts.organizationsOf(user.name), activeTokens: active.get(user.name) ?? 0 });
    }
    return siteAdminUsersPage({ principal, users, serverUrl: services.baseUrl(), ...extra });
  };

  router.add("GET", SITE_ADMIN_USERS_PATH, sessionPage(services, async ({ query }, principal) => {
    requireSiteAdmin(principal);
    return render(principal, { done: query.get("done") });
  }));

  router.add("POST", SITE_ADMIN_USERS_PATH, sessionForm(services, async ({ response }, principal, form) => {
    requireSiteAdmin(principal);
    const name = (form.get("name") ?? "").trim();
    await runForm(
      response,
      async () => {
        const user = await services.accounts.createUser(name, { siteAdmin: form.get("siteAdmin") === "true" });
        const { token } = await services.accounts.issueToken(user.name, `first token, created by ${principal.user.name}`);
        return { page: await render(principal, { created: { user: user.name, token } }) };
      },
      (error) => render(principal, { error, name: name.slice(0, 100) }),
    );
  }));

  router.add("POST", `${SITE_ADMIN_USERS_PATH}/site-admin`, sessionForm(services, async ({ response }, principal, form) => {
    requireSiteAdmin(principal);
    const grant = form.get("siteAdmin") === "true";
    await runForm(
      response,
      async () => {
        await services.accounts.setSiteAdmin((form.get("user") ?? "").trim(), grant);
        return { redirect: `${SITE_ADMIN_USERS_PATH}?done=${grant ? "granted" : "revoked"}` };
      },
      (error) => render(principal, { error }),
    );
  }));
}

/** Not a 403: the page's existence is not revealed to someone who is not a site admin. */
function requireSiteAdmin(principal: WebPrincipal): void {
  if (!principal.user.siteAdmin) throw new CairnError("NotFound", "page not found");
}
