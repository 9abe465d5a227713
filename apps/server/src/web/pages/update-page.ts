import type { StackId } from "../../state/org-state.js";
import type { EngineEvent } from "../../updates/events.js";
import type { HistoryEntry, UpdateRecord } from "../../updates/updates.js";
import { csrfField } from "../csrf.js";
import { html, utcTime, type Html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-route.js";
import { eventsLog } from "./events-log.js";
import { stackCrumbs, stackPath, updatePath } from "./paths.js";
import { durationText, resultBadge } from "./result-badge.js";

/** The engine's step operations in words; any other is shown by its own name. */
const CHANGE_WORDS: Record<string, string> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  same: "same",
  replace: "replaced",
  "create-replacement": "created for replacement",
  "delete-replaced": "deleted after replacement",
  read: "read",
  refresh: "refreshed",
  import: "imported",
  "import-replacement": "imported for replacement",
  "discard-replaced": "discarded",
  "read-replacement": "read for replacement",
};

export interface UpdatePageView {
  principal: WebPrincipal;
  id: StackId;
  entry: HistoryEntry;
  /** From the history entry, else the update's summary event. */
  changes?: Record<string, number>;
  events: EngineEvent[];
  eventsPage: number;
  /** Member or admin, and the version has a checkpoint: may roll the stack forward to it. */
  canRestore: boolean;
}

/** `/<org>/<project>/<stack>/updates/<version>`: one update, its changes and its events log. */
export function updatePage(view: UpdatePageView): string {
  const { id, entry } = view;
  return consolePage({
    title: `Update ${entry.version} of ${id.org}/${id.project}/${id.stack}`,
    principal: view.principal,
    section: "stacks",
    crumbs: stackCrumbs(id, true),
    body: html`<h1>Update <span id="version">${entry.version}</span> of <a href="${stackPath(id)}">${id.stack}</a></h1>
<dl class="facts">
<div><dt>Kind</dt><dd id="kind">${entry.kind}</dd></div>
<div><dt>User</dt><dd id="user">${entry.user}</dd></div>
<div><dt>Started</dt><dd id="started">${utcTime(entry.startTime)}</dd></div>
<div><dt>Ended</dt><dd id="ended">${entry.endTime ? utcTime(entry.endTime) : "still running"}</dd></div>
<div><dt>Duration</dt><dd id="duration">${entry.endTime ? durationText(entry.endTime - entry.startTime) : "running"}</dd></div>
<div><dt>Result</dt><dd id="result">${resultBadge(entry.result)}</dd></div>
<div><dt>Resources</dt><dd id="resource-count">${entry.resourceCount ?? "unknown"}</dd></div>
</dl>
<h2>Message</h2>
<p id="message">${entry.message === "" ? html`<span class="muted">none</span>` : entry.message}</p>
<h2>Resource changes</h2>
${changesList(view.changes)}
${view.canRestore ? restoreForm(view) : ""}
<h2>Engine events</h2>
${eventsLog(view.events, view.eventsPage, (page) => `${updatePath(id, entry.version)}?page=${page}`)}`,
  });
}

function changesList(changes: Record<string, number> | undefined): Html {
  const ops = Object.keys(changes ?? {}).filter((op) => (changes?.[op] ?? 0) > 0);
  if (changes === undefined) return html`<p id="no-changes">Not recorded: the CLI sent no summary for this update.</p>`;
  if (ops.length === 0) return html`<p id="no-changes">No resources changed.</p>`;
  return html`<dl class="facts" id="changes">${ops.map((op) => html`<div><dt>${CHANGE_WORDS[op] ?? op}</dt><dd id="changes-${op}">${changes[op]}</dd></div>`)}</dl>`;
}

function restoreForm(view: UpdatePageView): Html {
  const { id, entry } = view;
  return html`<h2>Roll back</h2>
<form method="post" action="${updatePath(id, entry.version)}/restore" class="panel">
<p>Restoring writes this version's state as a new update of the stack; the history so far is kept as it is.</p>
${csrfField(view.principal.csrf)}<button id="restore-version" class="danger" type="submit">Restore this version</button>
</form>`;
}

/** A preview changes nothing and gets no version: the server keeps only its update record. */
export function previewPage(principal: WebPrincipal, id: StackId, record: UpdateRecord): string {
  return consolePage({
    title: `Preview of ${id.org}/${id.project}/${id.stack}`,
    principal,
    section: "stacks",
    crumbs: stackCrumbs(id, true),
    body: html`<h1>Preview of <a href="${stackPath(id)}">${id.stack}</a></h1>
<p>A preview changes nothing, so it is not part of the stack's update history. This is what the server recorded about it; its planned steps are shown only by the CLI that ran it.</p>
<dl class="facts">
<div><dt>Preview id</dt><dd id="update-id">${record.updateId}</dd></div>
<div><dt>User</dt><dd id="user">${record.user}</dd></div>
<div><dt>Requested</dt><dd id="created">${record.createdAt}</dd></div>
<div><dt>Status</dt><dd id="status">${record.status}</dd></div>
<div><dt>Message</dt><dd id="message">${record.message}</dd></div>
</dl>`,
  });
}
