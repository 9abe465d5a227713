import { CairnError, isCairnError } from "@cairn/core";
import { requireRole } from "../../access.js";
import type { OrganizationRecord } from "../../accounts/accounts.js";
import { parseRole, type Role } from "../../accounts/roles.js";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { membersPath } from "../../web/pages/account-orgs.js";
import { membersPage } from "../../web/pages/account-members.js";
import { sessionForm, sessionPage } from "../../web/session-routes.js";
import type { WebPrincipal } from "../../web/web-route.js";
import { runForm } from "./account-forms.js";

/**
 * `/<org>/settings/members`: three segments, like `/<org>/<project>/<stack>`, so it is added
 * before the stack pages. Access is the API's (`requireRole`): a non-member gets 404, a member who
 * is not an admin sees the list and gets 403 for any change. The rules (the last admin stays, a
 * personal organization's user stays its admin) are `Accounts`', so `PUT/DELETE
 * /api/orgs/<org>/members/<user>` follow them too.
 */
export function addMembersPage(router: Router, services: Services): void {
  /** The organization, for someone allowed `permission` on it (a site admin on any existing one). */
  const organizationFor = async (principal: WebPrincipal, org: string, permission: "read" | "admin"): Promise<{ organization: OrganizationRecord; role: Role }> => {
    const role = await requireRole(services, principal, org, permission);
    const organization = await services.accounts.getOrganization(org);
    if (organization === undefined) throw new CairnError("NotFound", `organization ${org} not found`);
    return { organization, role };
  };
  const render = async (principal: WebPrincipal, org: string, extra: { error?: string; done?: string | null } = {}) => {
    const { organization, role } = await organizationFor(principal, org, "read");
    const asSiteAdmin = principal.user.siteAdmin && (await services.accounts.roleOf(org, principal.user.name)) !== "admin";
    return membersPage({ principal, organization, role, asSiteAdmin, members: await services.accounts.membersOf(org), ...extra });
  };

  router.add("GET", "/:org/settings/members", sessionPage(services, async ({ params, query }, principal) => render(principal, params.org ?? "", { done: query.get("done") })));

  /** An admin's change to one member, at `…/members/<what>`: access is checked first; done, 303 back with the `done` notice. */
  const change = (what: string, done: string, apply: (org: string, user: string, form: URLSearchParams) => Promise<void>) =>
    router.add("POST", `/:org/settings/members/${what}`, sessionForm(services, async ({ params, response }, principal, form) => {
      const org = params.org ?? "";
      await organizationFor(principal, org, "admin");
      await runForm(
        response,
        async () => {
          await apply(org, (form.get("user") ?? "").trim(), form);
          return { redirect: `${membersPath(org)}?done=${done}` };
        },
        (error) => render(principal, org, { error }),
      );
    }));

  change("role", "role", async (org, user, form) => {
    if ((await services.accounts.roleOf(org, user)) === undefined) throw new CairnError("InvalidArgument", `${user} is not a member of ${org}`, { hint: "add them with the form below" });
    await services.accounts.setRole(org, user, parseRole(form.get("role")));
  });
  change("add", "added", async (org, user, form) => {
    const role = parseRole(form.get("role"));
    if (user === "") throw new CairnError("InvalidArgument", "enter the name of the user to add");
    if ((await services.accounts.getUser(user)) === undefined) throw new CairnError("InvalidArgument", `there is no user ${user}`, { hint: "a site admin creates users" });
    const existing = await services.accounts.roleOf(org, user);
    if (existing !== undefined) throw new CairnError("Conflict", `${user} is already a ${existing} of ${org}`, { hint: "change their role in the table" });
    await services.accounts.setRole(org, user, role);
  });
  change("remove", "removed", async (org, user) => {
    try {
      await services.accounts.removeMember(org, user);
    } catch (error) {
      // The list is what was shown: a member gone meanwhile is a message, not an error page.
      if (isCairnError(error, "NotFound")) throw new CairnError("InvalidArgument", error.message);
      throw error;
    }
  });
}
