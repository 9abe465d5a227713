import type { StackId } from "../../state/org-state.js";
import type { HistoryEntry } from "../../updates/updates.js";
import { csrfField } from "../csrf.js";
import { html, utcTime, type Html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-route.js";
import { outputsSection, type RevealedOutputs } from "./outputs.js";
import { stackCrumbs, stackPath, updatePath } from "./paths.js";
import { buildResourceTree, renderResourceTree, type TreeResource } from "./resource-tree.js";
import { resultBadge } from "./result-badge.js";

export interface StackPageView {
  principal: WebPrincipal;
  id: StackId;
  resourceCount: number;
  lastUpdate?: Date;
  running?: { kind: string; user: string; startedAt: string };
  /** The stack file cannot be read: why, and the commands that repair it. */
  broken?: { reason: string; hint: string };
  tags: Record<string, string>;
  outputs: Record<string, unknown>;
  revealed?: RevealedOutputs;
  /** Member or admin: may reveal secrets. */
  canWrite: boolean;
  resources: TreeResource[];
  /** The resource search (`?q=`). */
  query: string;
  history: HistoryEntry[];
  /** 1-based history page, and whether an older page exists. */
  page: number;
  hasOlder: boolean;
}

/** `/<org>/<project>/<stack>`: facts, tags, outputs, the resource tree and the update history. */
export function stackPage(view: StackPageView): string {
  const { id } = view;
  const tree = buildResourceTree(view.resources, view.query);
  const tags = Object.keys(view.tags).sort();
  return consolePage({
    title: `${id.org}/${id.project}/${id.stack}`,
    principal: view.principal,
    section: "stacks",
    crumbs: stackCrumbs(id, false),
    body: html`<h1>Stack <span id="stack">${id.stack}</span></h1>
<p class="muted">Organization <span id="org">${id.org}</span>, project <span id="project">${id.project}</span>.</p>
${view.broken ? html`<p class="notice error" id="stack-broken">This stack's state cannot be read: ${view.broken.reason}. ${view.broken.hint}</p>` : ""}
<dl class="facts">
<div><dt>Resources</dt><dd id="resource-count">${view.resourceCount}</dd></div>
<div><dt>Last update</dt><dd id="last-update">${view.lastUpdate ? utcTime(Math.floor(view.lastUpdate.getTime() / 1000)) : "never"}</dd></div>
<div><dt>Running now</dt>${view.running ? html`<dd id="running">${view.running.kind} by ${view.running.user}, started ${view.running.startedAt}</dd>` : html`<dd id="not-running">nothing</dd>`}</div>
</dl>
<h2 id="tags-heading">Tags</h2>
${tags.length === 0 ? html`<p id="no-tags">No tags.</p>` : html`<ul id="tags" class="tag-list" aria-labelledby="tags-heading">${tags.map((key) => html`<li class="tag">${key}=${view.tags[key]}</li>`)}</ul>`}
<h2>Outputs</h2>
${outputsSection({ outputs: view.outputs, canReveal: view.canWrite, revealAction: `${stackPath(id)}/reveal-secrets`, csrfField: csrfField(view.principal.csrf), ...(view.revealed ? { revealed: view.revealed } : {}) })}
<h2>Resources</h2>
<form class="filters" method="get" action="${stackPath(id)}" role="search">
<div><label for="resource-search">Resource name contains</label><input id="resource-search" name="q" type="search" value="${view.query}" autocomplete="off"></div>
<div><button id="resource-search-apply" type="submit">Find</button>${view.query !== "" ? html` <a id="resource-search-clear" href="${stackPath(id)}">Clear</a>` : ""}</div>
</form>
<p id="resource-matches">${view.query === "" ? `${tree.total} resources` : `${tree.matches} of ${tree.total} resources`}</p>
${tree.total === 0 ? html`<p id="no-resources">No resources yet: <code>pulumi up</code> creates them.</p>` : tree.matches === 0 ? html`<p id="no-resource-matches">No resource name contains “${view.query}”.</p>` : html`<div class="panel tree-panel" id="resources">${renderResourceTree(tree)}</div>`}
<h2>Updates</h2>
${historySection(view)}`,
  });
}

function historySection(view: StackPageView): Html {
  const { id } = view;
  if (view.history.length === 0 && view.page === 1) return html`<p id="no-updates">No updates yet.</p>`;
  const keep = view.query === "" ? "" : `&q=${encodeURIComponent(view.query)}`;
  const newer = view.page > 1 ? html`<a id="newer" href="${stackPath(id)}?page=${view.page - 1}${keep}">Newer updates</a>` : "";
  const older = view.hasOlder ? html`<a id="older" href="${stackPath(id)}?page=${view.page + 1}${keep}">Older updates</a>` : "";
  return html`<div class="table-wrap"><table id="updates"><thead><tr><th scope="col">Version</th><th scope="col">Kind</th><th scope="col">Result</th><th scope="col">User</th><th scope="col" class="hide-narrow">Started</th><th scope="col" class="hide-narrow">Message</th></tr></thead><tbody>
${view.history.map((entry) => html`<tr><td><a href="${updatePath(id, entry.version)}">${entry.version}</a></td><td>${entry.kind}</td><td>${resultBadge(entry.result)}</td><td>${entry.user}</td><td class="hide-narrow">${utcTime(entry.startTime)}</td><td class="hide-narrow">${entry.message}</td></tr>`)}
</tbody></table></div>
<nav class="pager" aria-label="Update history pages">${newer}${older}</nav>`;
}
