import { html, utcTime, type Html } from "../html.js";

/**
 * Small pieces the account pages share: times, notices and the once-only secret panel. A
 * notice after a redirect is named by a fixed key (`?done=…`), so a link cannot put words on a page.
 */

/** A stored ISO time as the console shows times everywhere (UTC, to the second). */
export function isoTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : utcTime(Math.floor(ms / 1000));
}

/** A `<time>` element: the text for people, the machine-readable value for tools. */
export function timeOf(iso: string | undefined, missing = "never"): Html {
  return iso === undefined ? html`<span class="muted">${missing}</span>` : html`<time datetime="${iso}">${isoTime(iso)}</time>`;
}

/** The outcome of a refused form: shown above the form, announced to screen readers. */
export function errorNotice(error: string | undefined): Html | string {
  return error === undefined ? "" : html`<div class="notice error" id="error" role="alert">${error}</div>`;
}

/** The confirmation a page shows after its form's 303, looked up from a fixed list. */
export function doneNotice(done: string | null, messages: Record<string, string>): Html | string {
  const message = done === null ? undefined : messages[done];
  return message === undefined ? "" : html`<div class="notice" id="done" role="status">${message}</div>`;
}

/**
 * A new access token, shown on the page that answers the form that made it and nowhere else:
 * never put in a URL or a redirect, never stored (only its digest is), never logged.
 */
export function secretOnce(options: { heading: string; token: string; owner: string; serverUrl: string }): Html {
  return html`<section class="panel secret-panel" aria-labelledby="new-token-heading">
<h2 id="new-token-heading">${options.heading}</h2>
<p><strong>Copy it now: it is not shown again.</strong> Only a digest of it is kept, so if it is lost, revoke it and create another.</p>
<p class="muted" id="new-token-label">Access token for ${options.owner}:</p>
<code class="secret-once" id="new-token" aria-labelledby="new-token-label">${options.token}</code>
<p>Use it with the CLI: run <code>cairn login ${options.serverUrl}</code> and paste it, or set <code>PULUMI_ACCESS_TOKEN</code> to it in the environment (CI jobs, scripts).</p>
</section>`;
}
