import { sendHtml } from "../../http/respond.js";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import type { StackId } from "../../state/org-state.js";
import type { HistoryEntry } from "../../updates/updates.js";
import { stackPath } from "../../web/console-pages.js";
import { html, utcTime, type Html } from "../../web/html.js";
import { consolePage } from "../../web/layout.js";
import { redirect, sessionPrincipal, webRoute } from "../../web/web-route.js";

/** How many updates each stack shows; the API pages through the rest. */
const HISTORY_SHOWN = 20;

/** `GET /`: the signed-in user's stacks, in every organization they belong to, with their history. */
export function addDashboardPage(router: Router, services: Services): void {
  router.add("GET", "/", webRoute(async ({ request, response }) => {
    const principal = await sessionPrincipal(services, request);
    if (principal === undefined) return redirect(response, "/login");
    const sections: Html[] = [];
    for (const org of await services.accounts.organizationsOf(principal.user.name)) {
      for (const summary of await services.state.backendFor(org).listStacks()) {
        const id = { org, project: summary.ref.project ?? "", stack: summary.ref.name };
        const history = await services.updates.history(id, 1, HISTORY_SHOWN);
        sections.push(stackSection(id, summary.resourceCount ?? 0, history));
      }
    }
    sendHtml(
      response,
      200,
      consolePage({
        title: "Stacks",
        principal,
        section: "stacks",
        body: html`<h1>Stacks of <span id="user">${principal.user.name}</span></h1>
${sections.length === 0 ? html`<p id="no-stacks">No stacks yet. Create one with <code>cairn stack init</code>.</p>` : sections}`,
      }),
    );
  }));
}

function stackSection(id: StackId, resources: number, history: HistoryEntry[]): Html {
  return html`<section class="stack"><h2><a href="${stackPath(id)}">${id.org}/${id.project}/${id.stack}</a></h2><p>${resources} resources</p>
${history.length === 0
    ? html`<p>No updates yet.</p>`
    : html`<table><thead><tr><th>Version</th><th>Kind</th><th>Result</th><th>User</th><th>Started</th><th>Ended</th><th>Resources</th><th>Message</th></tr></thead><tbody>
${history.map((entry) => html`<tr><td>${entry.version}</td><td>${entry.kind}</td><td>${entry.result}</td><td>${entry.user}</td><td>${utcTime(entry.startTime)}</td><td>${entry.endTime ? utcTime(entry.endTime) : ""}</td><td>${entry.resourceCount ?? ""}</td><td>${entry.message}</td></tr>`)}
</tbody></table>`}</section>`;
}
