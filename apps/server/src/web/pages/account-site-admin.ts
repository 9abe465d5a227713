import type { UserRecord } from "../../accounts/accounts.js";
import { csrfField } from "../csrf.js";
import { html, type Html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-route.js";
import { doneNotice, errorNotice, secretOnce, timeOf } from "./account-parts.js";
import { membersPath } from "./account-orgs.js";

export const SITE_ADMIN_USERS_PATH = "/site-admin/users";

export interface SiteUser {
  user: UserRecord;
  organizations: string[];
  activeTokens: number;
}

export interface SiteAdminView {
  principal: WebPrincipal;
  users: SiteUser[];
  serverUrl: string;
  /** Only on the page answering the create form: the new user's first token, shown this once. */
  created?: { user: string; token: string };
  error?: string;
  name?: string;
  done?: string | null;
}

const DONE: Record<string, string> = { granted: "Site admin granted.", revoked: "Site admin taken away." };

/** `/site-admin/users`: every user of the server, a create-user form (with the first token) and site admin on or off. */
export function siteAdminUsersPage(view: SiteAdminView): string {
  const { principal } = view;
  return consolePage({
    title: "Users",
    principal,
    section: "admin",
    body: html`<h1>Users of this server</h1>
<p>A site admin creates users (each gets a personal organization of the same name) and manages every organization.</p>
${doneNotice(view.done ?? null, DONE)}
${view.created ? secretOnce({ heading: `User ${view.created.user} created: their first access token`, token: view.created.token, owner: view.created.user, serverUrl: view.serverUrl }) : ""}
<section class="panel" aria-labelledby="create-user-heading">
<h2 id="create-user-heading">Create a user</h2>
${errorNotice(view.error)}
<form class="filters" method="post" action="${SITE_ADMIN_USERS_PATH}">
${csrfField(principal.csrf)}
<div><label for="new-user-name">User name</label><input id="new-user-name" name="name" required maxlength="100" pattern="[A-Za-z0-9_.\\-]+" autocomplete="off" value="${view.name ?? ""}"></div>
<div><label><input type="checkbox" id="new-user-site-admin" name="siteAdmin" value="true"> Site admin</label></div>
<div><button id="create-user" type="submit">Create user and first token</button></div>
</form>
<p class="muted">Hand the token to the user over a private channel: they sign in with it and create their own tokens.</p>
</section>
<div class="table-wrap"><table id="users">
<caption class="visually-hidden">Every user of this server</caption>
<thead><tr><th scope="col">User</th><th scope="col">Site admin</th><th scope="col" class="hide-narrow">Created</th><th scope="col" class="hide-narrow">Organizations</th><th scope="col" class="num">Active tokens</th></tr></thead>
<tbody>
${view.users.map((entry) => userRow(entry, principal.csrf))}
</tbody></table></div>`,
  });
}

function userRow({ user, organizations, activeTokens }: SiteUser, csrf: string): Html {
  return html`<tr id="user-${user.name}">
<td>${user.name}</td>
<td>${user.siteAdmin ? html`<span class="badge warn">site admin</span> ` : html`<span class="muted">no</span> `}${siteAdminForm(user, csrf)}</td>
<td class="hide-narrow">${timeOf(user.createdAt)}</td>
<td class="hide-narrow">${organizations.map((org, i) => html`${i > 0 ? ", " : ""}<a href="${membersPath(org)}">${org}</a>`)}</td>
<td class="num" id="active-tokens-${user.name}">${activeTokens}</td>
</tr>`;
}

function siteAdminForm(user: UserRecord, csrf: string): Html {
  const grant = !user.siteAdmin;
  return html`<form class="inline" method="post" action="${SITE_ADMIN_USERS_PATH}/site-admin">
${csrfField(csrf)}<input type="hidden" name="user" value="${user.name}"><input type="hidden" name="siteAdmin" value="${grant ? "true" : "false"}">
<button class="${grant ? "secondary" : "danger"}" id="${grant ? "grant" : "revoke"}-site-admin-${user.name}" type="submit">${grant ? "Make site admin" : "Take away site admin"}</button>
</form>`;
}
