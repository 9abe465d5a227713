import type { WebSessionSummary } from "../../accounts/web-sessions.js";
import { csrfField } from "../csrf.js";
import { html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-principal.js";
import { timeOf } from "./account-parts.js";

/**
 * The signed-in user's browser sessions: when each began and ends, this browser marked, and a way
 * to end any of them (a lost laptop's session too) or every other one at once.
 */
export function sessionsPage(principal: WebPrincipal, sessions: WebSessionSummary[], currentId: string, notice?: string): string {
  const others = sessions.filter((session) => session.id !== currentId);
  return consolePage({
    title: "Browser sessions",
    principal,
    section: "tokens",
    crumbs: [{ label: "Access tokens", href: "/user/settings/tokens" }],
    body: html`<h1>Browser sessions</h1>
<p>Each sign-in to this console is a session kept by the server; it ends when you sign out, after 12 hours, or here. Ending a session signs that browser out at its next click. Access tokens used by CLIs are separate: <a href="/user/settings/tokens">manage them here</a>.</p>
${notice ? html`<p class="notice" id="notice" role="status">${notice}</p>` : ""}
<div class="table-wrap"><table id="sessions"><thead><tr><th scope="col">Signed in</th><th scope="col">Ends</th><th scope="col"><span class="hide-narrow">Session</span></th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${sessions.map((session) => html`<tr data-session="${session.id}"><td>${timeOf(session.createdAt)}</td><td>${timeOf(session.expiresAt)}</td><td class="mono">${session.id === currentId ? html`<strong>this browser</strong>` : html`<span class="hide-narrow">${session.id}</span>`}</td>
<td><form class="inline" method="post" action="/user/settings/sessions/end">${csrfField(principal.csrf)}<input type="hidden" name="id" value="${session.id}"><button class="danger" type="submit" aria-label="End the session ${session.id === currentId ? "of this browser" : `signed in at ${session.createdAt}`}">End</button></form></td></tr>`)}
</tbody></table></div>
${others.length > 0 ? html`<form method="post" action="/user/settings/sessions/end-others">${csrfField(principal.csrf)}<button class="danger" id="end-other-sessions" type="submit">Sign out every other session (${others.length})</button></form>` : html`<p class="muted" id="no-other-sessions">No other browser is signed in as you.</p>`}`,
  });
}
