import { WEB_SESSION_MS } from "../accounts/web-sessions.js";
import { cliLoginFields, type CliLoginRequest } from "./cli-login-request.js";
import { csrfField } from "./csrf.js";
import { html } from "./html.js";
import { page } from "./layout.js";

/**
 * Pages of the sign-in flow. They may post to this server and, after the CLI hand-off redirect,
 * reach the CLI's loopback listener: Chromium applies form-action to a form's redirects too.
 */
export const LOGIN_PAGE_HEADERS = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:*",
  "referrer-policy": "no-referrer",
};

/**
 * Sign in with an access token (this server has no passwords: a token is the credential).
 * `next`: the page (a checked path on this server) the browser returns to afterwards.
 */
export function signInPage(cli: CliLoginRequest | undefined, error?: string, next?: string): string {
  return page(
    "Sign in",
    html`<div class="signin">
<a class="brand" href="/">cairn<span>.</span></a>
<section class="panel" aria-labelledby="sign-in-heading">
<h1 id="sign-in-heading">Sign in to cairn</h1>
${cli ? html`<p class="notice">A CLI (<span id="cli-description">${cli.description}</span>) asks to log in. Signing in gives it a new access token of its own; the one you type here stays with you.</p>` : ""}
${error ? html`<div class="notice error" id="error" role="alert">${error}</div>` : ""}
<form method="post" action="/login">
${hiddenFields(cli)}
${next === undefined ? "" : html`<input type="hidden" name="next" value="${next}">`}
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="off" required size="50" aria-describedby="token-help" placeholder="pul-…">
<button id="sign-in" type="submit">Sign in</button>
</form>
</section>
<section class="help" id="token-help" aria-labelledby="token-help-heading">
<h2 id="token-help-heading">What is an access token?</h2>
<p>This server has no passwords: an access token (it starts with <code>pul-</code>) is the credential, for the CLI and for these pages. Signing in starts a session of its own that ends after ${WEB_SESSION_MS / 3_600_000} hours or when you sign out.</p>
<p>Your first token comes from a site admin of this server (the Site admin page, or <code>POST /api/admin/users/&lt;you&gt;/tokens</code>). Once signed in, create more under <strong>Access tokens</strong>.</p>
</section>
</div>`,
  );
}

/** A signed-in user confirms that the CLI gets a token (a link alone must not mint one). */
export function authorizePage(user: string, cli: CliLoginRequest, csrf: string): string {
  return page(
    "Authorize the CLI",
    html`<div class="signin">
<a class="brand" href="/">cairn<span>.</span></a>
<section class="panel" aria-labelledby="authorize-heading">
<h1 id="authorize-heading">Log the CLI in as <span id="user">${user}</span>?</h1>
<p>The CLI (<span id="cli-description">${cli.description}</span>) waiting on this computer gets a new access token, listed under Access tokens where you can revoke it. Only continue if you just ran <code>cairn login</code> or <code>pulumi login</code>.</p>
<form method="post" action="/cli-login">
${hiddenFields(cli)}
${csrfField(csrf)}
<button id="authorize" type="submit">Log in the CLI</button>
</form>
</section>
</div>`,
  );
}

function hiddenFields(cli: CliLoginRequest | undefined) {
  return cli === undefined ? "" : cliLoginFields(cli).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
}
