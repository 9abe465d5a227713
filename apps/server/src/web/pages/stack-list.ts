import type { StackId } from "../../state/org-state.js";
import type { LastUpdate } from "../../updates/stack-activity.js";
import { html, utcTime, type Html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-route.js";
import { orgPath, stackPath, updatePath, type Crumb } from "./paths.js";
import { resultBadge } from "./result-badge.js";

export interface StackFilters {
  project: string;
  /** `key` or `key=value`. */
  tag: string;
  /** Text in the stack's `org/project/stack` name, any case. */
  q: string;
}

export interface StackRow {
  id: StackId;
  resourceCount: number;
  /** When the stack file was last written (what `stack ls` shows). */
  lastWrite?: Date;
  /** The newest history entry: who ran it, what, and how it ended. */
  last?: LastUpdate;
  broken?: boolean;
}

export interface StackListView {
  principal: WebPrincipal;
  title: string;
  heading: Html;
  /** Where the filter form is sent (this page's own path). */
  action: string;
  crumbs?: Crumb[];
  /** The organizations this list covers, linked above it. */
  orgs: string[];
  /** One organization's page: the org column is left out. */
  singleOrg: boolean;
  filters: StackFilters;
  projects: string[];
  rows: StackRow[];
  /** Stacks before filtering. */
  total: number;
}

/**
 * A list of stacks (`/` and `/<org>`): a GET filter form (so a filtered list is a link), then one
 * row per stack. Less important columns are hidden on a phone; the table scrolls in its frame.
 */
export function stackListPage(view: StackListView): string {
  const { filters } = view;
  const filtered = filters.project !== "" || filters.tag !== "" || filters.q !== "";
  return consolePage({
    title: view.title,
    principal: view.principal,
    section: "stacks",
    ...(view.crumbs ? { crumbs: view.crumbs } : {}),
    body: html`<h1>${view.heading}</h1>
${view.singleOrg ? "" : orgLinks(view.orgs)}
${view.total === 0 ? emptyState(view) : html`${filterForm(view)}
<p id="stack-count">${filtered ? `${view.rows.length} of ${view.total} stacks` : `${view.total} stack${view.total === 1 ? "" : "s"}`}</p>
${view.rows.length === 0
  ? html`<p class="notice" id="no-matches">No stacks match these filters. <a href="${view.action}">Clear the filters</a> to see all ${view.total}.</p>`
  : stackTable(view)}`}`,
  });
}

function orgLinks(orgs: string[]): Html {
  if (orgs.length === 0) return html`<p class="notice" id="no-orgs">You are not a member of any organization yet: ask an organization's admin to add you.</p>`;
  return html`<p id="org-links">Organizations: ${orgs.map((org, i) => html`${i > 0 ? ", " : ""}<a href="${orgPath(org)}">${org}</a>`)}</p>`;
}

function filterForm(view: StackListView): Html {
  const { filters } = view;
  return html`<form class="filters" method="get" action="${view.action}" role="search">
<div><label for="filter-project">Project</label><select id="filter-project" name="project"><option value="">All projects</option>
${view.projects.map((project) => html`<option value="${project}"${project === filters.project ? html` selected` : ""}>${project}</option>`)}</select></div>
<div><label for="filter-tag">Tag (<code>key</code> or <code>key=value</code>)</label><input id="filter-tag" name="tag" value="${filters.tag}" autocomplete="off"></div>
<div><label for="filter-q">Name contains</label><input id="filter-q" name="q" type="search" value="${filters.q}" autocomplete="off"></div>
<div><button id="filter-apply" type="submit">Filter</button> <a id="filter-clear" href="${view.action}">Clear</a></div>
</form>`;
}

function stackTable(view: StackListView): Html {
  return html`<div class="table-wrap"><table id="stacks">
<caption class="visually-hidden">Stacks</caption>
<thead><tr><th scope="col">Stack</th>${view.singleOrg ? "" : html`<th scope="col" class="hide-narrow">Organization</th>`}<th scope="col">Project</th><th scope="col">Last update</th><th scope="col" class="num hide-narrow">Resources</th><th scope="col">Last run</th></tr></thead>
<tbody>
${view.rows.map((row) => stackRow(row, view.singleOrg))}
</tbody></table></div>`;
}

function stackRow(row: StackRow, singleOrg: boolean): Html {
  const { id, last } = row;
  const when = last !== undefined ? (last.endTime || last.startTime) : row.lastWrite !== undefined ? Math.floor(row.lastWrite.getTime() / 1000) : undefined;
  return html`<tr><td><a class="stack-link" href="${stackPath(id)}">${id.stack}</a>${row.broken ? html` <span class="badge bad">unreadable</span>` : ""}</td>${singleOrg ? "" : html`<td class="hide-narrow">${id.org}</td>`}<td>${id.project}</td><td>${when === undefined ? html`<span class="muted">never</span>` : html`<time datetime="${utcTime(when)}">${utcTime(when)}</time>`}</td><td class="num hide-narrow">${row.resourceCount}</td><td>${last === undefined ? html`<span class="muted">no updates</span>` : html`<a href="${updatePath(id, last.version)}">${last.kind} #${last.version}</a> by ${last.user} ${resultBadge(last.result)}`}</td></tr>`;
}

function emptyState(view: StackListView): Html {
  const org = view.orgs[0] ?? "<org>";
  return html`<div class="panel" id="no-stacks"><h2>No stacks yet</h2>
<p>Create one from a project directory with the CLI, logged in to this server:</p>
<p><code>pulumi stack init ${org}/&lt;project&gt;/dev</code> or <code>cairn stack init ${org}/&lt;project&gt;/dev</code></p>
<p>Then <code>pulumi up</code>: the stack appears here with its resources and history.</p></div>`;
}
