import type { Membership } from "../../accounts/accounts.js";
import { csrfField } from "../csrf.js";
import { html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-route.js";
import { doneNotice, errorNotice } from "./account-parts.js";

export const ORGS_PATH = "/orgs";

/** An organization's members page (registered before the `/<org>/<project>/<stack>` pattern). */
export function membersPath(org: string): string {
  return `/${encodeURIComponent(org)}/settings/members`;
}

export interface OrgsView {
  principal: WebPrincipal;
  memberships: Membership[];
  error?: string;
  /** The name typed, kept when the form was refused. */
  name?: string;
  done?: string | null;
}

/** `/orgs`: the user's organizations and roles, with links to each one's stacks and members, and a create form. */
export function orgsPage(view: OrgsView): string {
  const { principal } = view;
  return consolePage({
    title: "Organizations",
    principal,
    section: "orgs",
    body: html`<h1>Organizations</h1>
<p>Stacks live in organizations; your role in each says what you may do there: a <strong>viewer</strong> reads stacks, a <strong>member</strong> also changes them, an <strong>admin</strong> also manages members.</p>
${doneNotice(view.done ?? null, { created: "Organization created: you are its admin." })}
<div class="table-wrap"><table id="orgs">
<caption class="visually-hidden">Your organizations</caption>
<thead><tr><th scope="col">Organization</th><th scope="col">Your role</th><th scope="col">Members</th></tr></thead>
<tbody>
${view.memberships.map((membership) => html`<tr id="org-${membership.org}">
<td><a href="/${encodeURIComponent(membership.org)}">${membership.org}</a>${membership.org === principal.user.name ? html` <span class="muted">(personal)</span>` : ""}</td>
<td><span class="role">${membership.role}</span></td>
<td><a href="${membersPath(membership.org)}" id="members-link-${membership.org}">Members</a></td>
</tr>`)}
</tbody></table></div>
<section class="panel" aria-labelledby="create-org-heading">
<h2 id="create-org-heading">Create an organization</h2>
${errorNotice(view.error)}
<form method="post" action="${ORGS_PATH}">
${csrfField(principal.csrf)}
<label for="org-name">Name (letters, digits, <code>-</code>, <code>_</code> and <code>.</code>; up to 100)</label>
<input id="org-name" name="name" required maxlength="100" pattern="[A-Za-z0-9_.\\-]+" size="30" autocomplete="off" value="${view.name ?? ""}">
<button id="create-org" type="submit">Create organization</button>
</form>
</section>`,
  });
}
