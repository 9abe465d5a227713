import type { Membership, OrganizationRecord } from "../../accounts/accounts.js";
import { ROLES, type Role } from "../../accounts/roles.js";
import { csrfField } from "../csrf.js";
import { html, type Html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-route.js";
import { doneNotice, errorNotice } from "./account-parts.js";
import { membersPath, ORGS_PATH } from "./account-orgs.js";

export interface MembersView {
  principal: WebPrincipal;
  organization: OrganizationRecord;
  members: Membership[];
  /** The viewer's role here (a site admin counts as admin): only an admin gets the forms. */
  role: Role;
  /** The admin rights come from being a site admin, not from a role here. */
  asSiteAdmin?: boolean;
  error?: string;
  done?: string | null;
}

const DONE: Record<string, string> = { role: "Role changed.", added: "Member added.", removed: "Member removed." };

/**
 * An organization's members and roles. Every member sees the list; an admin also gets a role
 * select per member, add and remove. A personal organization's user is always its admin, so
 * that row has no controls.
 */
export function membersPage(view: MembersView): string {
  const { principal, organization } = view;
  const org = organization.name;
  const admin = view.role === "admin";
  const action = (what: string) => `${membersPath(org)}/${what}`;
  const owner = (user: string) => organization.personal === true && user === org;
  return consolePage({
    title: `Members of ${org}`,
    principal,
    section: "orgs",
    crumbs: [{ label: "Organizations", href: ORGS_PATH }, { label: org, href: `/${encodeURIComponent(org)}` }],
    body: html`<h1>Members of <span id="org">${org}</span></h1>
<p>Your role: <strong id="your-role">${view.role}</strong>${view.asSiteAdmin ? " (as a site admin)" : ""}.${admin ? "" : html` Only an admin of ${org} changes its members.`}
${organization.personal ? html` This is ${org}'s personal organization: ${org} is always its admin.` : ""}</p>
${doneNotice(view.done ?? null, DONE)}
${errorNotice(view.error)}
<div class="table-wrap"><table id="members">
<caption class="visually-hidden">Members of ${org} and their roles</caption>
<thead><tr><th scope="col">User</th><th scope="col">Role</th>${admin ? html`<th scope="col"><span class="visually-hidden">Remove</span></th>` : ""}</tr></thead>
<tbody>
${view.members.map((member) => html`<tr id="member-${member.user}">
<td>${member.user}${member.user === principal.user.name ? html` <span class="muted">(you)</span>` : ""}</td>
<td>${admin && !owner(member.user) ? roleForm(action("role"), member, principal.csrf) : html`<span class="role" id="role-of-${member.user}">${member.role}</span>${owner(member.user) ? html` <span class="muted">(owner)</span>` : ""}`}</td>
${admin ? html`<td>${owner(member.user) ? "" : removeForm(action("remove"), member, principal.csrf)}</td>` : ""}
</tr>`)}
</tbody></table></div>
${admin ? addForm(action("add"), principal.csrf) : ""}`,
  });
}

function roleOptions(selected: Role): Html[] {
  return ROLES.map((role) => html`<option value="${role}"${role === selected ? html` selected` : ""}>${role}</option>`);
}

function roleForm(action: string, member: Membership, csrf: string): Html {
  return html`<form class="inline member-role" method="post" action="${action}">
${csrfField(csrf)}<input type="hidden" name="user" value="${member.user}">
<label class="visually-hidden" for="role-${member.user}">Role of ${member.user}</label>
<select id="role-${member.user}" name="role">${roleOptions(member.role)}</select>
<button class="secondary" id="change-role-${member.user}" type="submit">Change role</button>
</form>`;
}

function removeForm(action: string, member: Membership, csrf: string): Html {
  return html`<form class="inline" method="post" action="${action}">
${csrfField(csrf)}<input type="hidden" name="user" value="${member.user}">
<button class="danger" id="remove-${member.user}" type="submit" aria-label="Remove ${member.user} from the organization">Remove</button>
</form>`;
}

function addForm(action: string, csrf: string): Html {
  return html`<section class="panel" aria-labelledby="add-member-heading">
<h2 id="add-member-heading">Add a member</h2>
<form class="filters" method="post" action="${action}">
${csrfField(csrf)}
<div><label for="add-member-user">User name</label><input id="add-member-user" name="user" required maxlength="100" autocomplete="off"></div>
<div><label for="add-member-role">Role</label><select id="add-member-role" name="role">${roleOptions("member")}</select></div>
<div><button id="add-member" type="submit">Add member</button></div>
</form>
</section>`;
}
