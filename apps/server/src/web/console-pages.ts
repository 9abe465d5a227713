import type { StackId } from "../state/org-state.js";
import type { HistoryEntry, UpdateRecord } from "../updates/updates.js";
import { html, utcTime, type Html } from "./html.js";
import { page } from "./layout.js";

/**
 * The pages at the console paths the Pulumi CLI prints (`<org>/<project>/<stack>`, `…/updates/<n>`,
 * `…/previews/<id>`). Server-rendered from the same records the API serves; no scripts.
 */

/** A stack page's path: the names are validated, encoding them still keeps the link literal. */
export function stackPath(id: StackId): string {
  return `/${encodeURIComponent(id.org)}/${encodeURIComponent(id.project)}/${encodeURIComponent(id.stack)}`;
}

export function updatePath(id: StackId, version: number): string {
  return `${stackPath(id)}/updates/${version}`;
}

export interface StackView {
  id: StackId;
  resourceCount: number;
  lastUpdate?: Date;
  /** The root stack resource's output names; values are never shown (they may be secrets). */
  outputNames: string[];
  running?: { kind: string; user: string; startedAt: string };
  history: HistoryEntry[];
  /** 1-based history page, and whether an older page exists. */
  page: number;
  hasOlder: boolean;
}

export function stackPage(view: StackView): string {
  const { id } = view;
  const older = view.hasOlder ? html`<a id="older" href="${stackPath(id)}?page=${view.page + 1}">Older updates</a>` : "";
  const newer = view.page > 1 ? html`<a id="newer" href="${stackPath(id)}?page=${view.page - 1}">Newer updates</a> ` : "";
  return page(
    `${id.org}/${id.project}/${id.stack}`,
    html`${nav(id)}
<h1>Stack <span id="stack">${id.stack}</span></h1>
<p>Organization <span id="org">${id.org}</span>, project <span id="project">${id.project}</span>.</p>
<table><tbody>
<tr><th>Resources</th><td id="resource-count">${view.resourceCount}</td></tr>
<tr><th>Last update</th><td id="last-update">${view.lastUpdate ? utcTime(Math.floor(view.lastUpdate.getTime() / 1000)) : "never"}</td></tr>
${view.running ? html`<tr><th>Running now</th><td id="running">${view.running.kind} by ${view.running.user}, started ${view.running.startedAt}</td></tr>` : ""}
</tbody></table>
<h2>Outputs</h2>
${view.outputNames.length === 0
  ? html`<p id="no-outputs">No outputs.</p>`
  : html`<p>Values are not shown here: <code>pulumi stack output</code> prints them.</p>
<table id="outputs"><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>
${view.outputNames.map((name) => html`<tr><td class="output-name">${name}</td><td>[hidden]</td></tr>`)}
</tbody></table>`}
<h2>Updates</h2>
${view.history.length === 0
  ? html`<p id="no-updates">No updates yet.</p>`
  : html`<table id="updates"><thead><tr><th>Version</th><th>Kind</th><th>Result</th><th>User</th><th>Started</th><th>Message</th></tr></thead><tbody>
${view.history.map((entry) => html`<tr><td><a href="${updatePath(id, entry.version)}">${entry.version}</a></td><td>${entry.kind}</td><td>${entry.result}</td><td>${entry.user}</td><td>${utcTime(entry.startTime)}</td><td>${entry.message}</td></tr>`)}
</tbody></table>`}
<p>${newer}${older}</p>`,
  );
}

export function updatePage(id: StackId, entry: HistoryEntry): string {
  return page(
    `Update ${entry.version} of ${id.org}/${id.project}/${id.stack}`,
    html`${nav(id)}
<h1>Update <span id="version">${entry.version}</span> of <a href="${stackPath(id)}">${id.stack}</a></h1>
<table><tbody>
<tr><th>Kind</th><td id="kind">${entry.kind}</td></tr>
<tr><th>User</th><td id="user">${entry.user}</td></tr>
<tr><th>Started</th><td id="started">${utcTime(entry.startTime)}</td></tr>
<tr><th>Ended</th><td id="ended">${entry.endTime ? utcTime(entry.endTime) : "still running"}</td></tr>
<tr><th>Result</th><td id="result">${entry.result}</td></tr>
<tr><th>Resources</th><td id="resource-count">${entry.resourceCount ?? "unknown"}</td></tr>
<tr><th>Message</th><td id="message">${entry.message}</td></tr>
</tbody></table>`,
  );
}

/** A preview changes nothing and gets no version: the server keeps only its update record. */
export function previewPage(id: StackId, record: UpdateRecord): string {
  return page(
    `Preview of ${id.org}/${id.project}/${id.stack}`,
    html`${nav(id)}
<h1>Preview of <a href="${stackPath(id)}">${id.stack}</a></h1>
<p>A preview changes nothing, so it is not part of the stack's update history. This is what the server recorded about it; its planned steps are shown only by the CLI that ran it.</p>
<table><tbody>
<tr><th>Preview id</th><td id="update-id">${record.updateId}</td></tr>
<tr><th>User</th><td id="user">${record.user}</td></tr>
<tr><th>Requested</th><td id="created">${record.createdAt}</td></tr>
<tr><th>Status</th><td id="status">${record.status}</td></tr>
<tr><th>Message</th><td id="message">${record.message}</td></tr>
</tbody></table>`,
  );
}

/** Where the Pulumi CLI's loopback listener sends the browser once it has its token. */
export function cliWelcomePage(): string {
  return page(
    "Logged in",
    html`<h1>Logged in</h1>
<p id="message">The CLI has its access token: you can close this tab and go back to the terminal.</p>
<p><a href="/">Your stacks</a></p>`,
  );
}

function nav(id: StackId): Html {
  return html`<p class="nav"><a href="/">Stacks</a> / ${id.org} / ${id.project} / <a href="${stackPath(id)}">${id.stack}</a></p>`;
}
