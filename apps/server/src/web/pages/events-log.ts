import type { EngineEvent } from "../../updates/events.js";
import { html, utcTime, type Html } from "../html.js";

/** Events per page of an update's log: a long `up` sends thousands. */
export const EVENTS_PAGE = 100;

/** An engine event's type: the name of its one payload field (`resourcePreEvent`, `diagnosticEvent`, …). */
export function eventType(event: EngineEvent): string {
  return Object.keys(event).find((key) => key !== "sequence" && key !== "timestamp") ?? "event";
}

/**
 * The engine events as the CLI sent them, one row per event: sequence, time, type, then the event
 * JSON itself. Paged, with the count, so a huge log stays a page of bounded size.
 */
export function eventsLog(events: EngineEvent[], page: number, pageHref: (page: number) => string): Html {
  if (events.length === 0) return html`<p id="no-events">The CLI sent no engine events for this update.</p>`;
  const pages = Math.max(1, Math.ceil(events.length / EVENTS_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const first = (current - 1) * EVENTS_PAGE;
  const shown = events.slice(first, first + EVENTS_PAGE);
  return html`<p id="events-count">Events ${first + 1}–${first + shown.length} of ${events.length}.</p>
<ol class="event-log" id="events">
${shown.map((event) => html`<li class="event" id="event-${event.sequence}"><div class="event-head"><span class="event-seq">#${event.sequence}</span> <time datetime="${utcTime(event.timestamp)}">${utcTime(event.timestamp)}</time> <span class="event-type">${eventType(event)}</span></div><pre class="events">${JSON.stringify(event, null, 2)}</pre></li>`)}
</ol>
${pages > 1
  ? html`<nav class="pager" aria-label="Event pages">${current > 1 ? html`<a id="events-newer" href="${pageHref(current - 1)}">Previous events</a>` : ""}${current < pages ? html`<a id="events-older" href="${pageHref(current + 1)}">Next events</a>` : ""}<span class="muted">page ${current} of ${pages}</span></nav>`
  : ""}`;
}
