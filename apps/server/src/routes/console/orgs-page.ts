import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { ORGS_PATH, orgsPage, type OrgsView } from "../../web/pages/account-orgs.js";
import { sessionForm, sessionPage } from "../../web/session-routes.js";
import type { WebPrincipal } from "../../web/web-route.js";
import { runForm } from "./account-forms.js";

/** `/orgs`: the user's organizations; creating one is `Accounts.createOrganization`, as `POST /api/orgs` is (same name rules). */
export function addOrgsPage(router: Router, services: Services): void {
  const render = async (principal: WebPrincipal, extra: Omit<OrgsView, "principal" | "memberships"> = {}) =>
    orgsPage({ principal, memberships: await services.accounts.membershipsOf(principal.user.name), ...extra });

  router.add("GET", ORGS_PATH, sessionPage(services, async ({ query }, principal) => render(principal, { done: query.get("done") })));

  router.add("POST", ORGS_PATH, sessionForm(services, async ({ response }, principal, form) => {
    const name = (form.get("name") ?? "").trim();
    await runForm(
      response,
      async () => {
        await services.accounts.createOrganization(name, principal.user.name);
        return { redirect: `${ORGS_PATH}?done=created` };
      },
      (error) => render(principal, { error, name: name.slice(0, 100) }),
    );
  }));
}
