import type { AuditEvent } from "../../audit/event.js";
import { html, type Html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-route.js";
import { timeOf } from "./account-parts.js";

export interface AuditLogView {
  principal: WebPrincipal;
  /** The organization's log, or undefined for the site's. */
  org?: string;
  events: AuditEvent[];
  /** The cursor of the next (older) page, when there is one. */
  next?: string;
  /** Whether this is the newest page (no `before`). */
  newest: boolean;
  /** The page's own path (paging links) and the JSON-lines download. */
  path: string;
  exportPath: string;
}

/**
 * An audit log, newest first, a page at a time: when, who (and with which credential), what, on
 * what, the outcome, and from which address; the whole log downloads as JSON lines.
 */
export function auditLogPage(view: AuditLogView): string {
  const title = view.org === undefined ? "Site audit log" : `Audit log of ${view.org}`;
  return consolePage({
    title,
    principal: view.principal,
    section: view.org === undefined ? "admin" : "orgs",
    crumbs: view.org === undefined ? [{ label: "Site admin", href: "/site-admin/users" }] : [{ label: "Organizations", href: "/orgs" }, { label: view.org, href: `/${encodeURIComponent(view.org)}` }],
    body: html`<h1>${view.org === undefined ? "Site audit log" : html`Audit log of <span id="org">${view.org}</span>`}</h1>
<p>Every call that changed something${view.org === undefined ? " not tied to one organization (users, tokens, sign-ins, new organizations)" : " in this organization"}, and every refused call made with a valid credential. A running update's own checkpoints are counted on its <code>update.complete</code>.</p>
<p><a id="audit-export" href="${view.exportPath}" download>Download the whole log as JSON lines</a> <span class="muted">(newest first; the API's <code>?order=oldest&amp;since=&amp;until=</code> work here too)</span></p>
${view.events.length === 0
  ? html`<p id="no-events">${view.newest ? "Nothing has been recorded yet." : "No older events."}</p>`
  : html`<div class="table-wrap"><table id="audit-events"><thead><tr><th scope="col">Time</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Outcome</th><th scope="col" class="hide-narrow">From</th></tr></thead><tbody>
${view.events.map(eventRow)}
</tbody></table></div>`}
<nav class="pager" aria-label="Audit log pages">${view.newest ? "" : html`<a id="audit-newest" href="${view.path}">Newest events</a>`}${view.next === undefined ? "" : html`<a id="audit-older" href="${view.path}?before=${view.next}">Older events</a>`}</nav>`,
  });
}

function eventRow(event: AuditEvent): Html {
  return html`<tr id="event-${event.id}"><td>${timeOf(event.time)}</td>
<td>${event.actor}${event.credential ? html`<br><span class="muted">${credentialText(event)}</span>` : ""}</td>
<td><code>${event.action}</code><br><span class="muted mono">${event.method} ${event.path}</span></td>
<td>${targetText(event)}${event.details ? html`<br><span class="muted">${Object.entries(event.details).map(([name, value]) => `${name}=${String(value)}`).join(", ")}</span>` : ""}</td>
<td><span class="badge ${event.outcome === "success" ? "ok" : "bad"}">${event.outcome}</span> <span class="muted">${event.status}</span></td>
<td class="hide-narrow mono">${event.address}${event.proxy ? html`<br><span class="muted">via ${event.proxy}</span>` : ""}</td></tr>`;
}

function credentialText(event: AuditEvent): string {
  const credential = event.credential;
  if (credential === undefined) return "";
  if (credential.kind === "update-token") return `update ${credential.updateId}`;
  return `${credential.kind === "token" ? "token" : "web session"} ${credential.id}`;
}

function targetText(event: AuditEvent): string {
  const { org, project, stack, updateId, user, tokenId } = event.target;
  const parts: string[] = [];
  if (stack !== undefined) parts.push([org, project, stack].filter((part) => part !== undefined).join("/"));
  else if (org !== undefined) parts.push(org);
  if (updateId !== undefined) parts.push(`update ${updateId}`);
  if (user !== undefined) parts.push(`user ${user}`);
  if (tokenId !== undefined) parts.push(`token ${tokenId}`);
  return parts.join(", ") || "—";
}
