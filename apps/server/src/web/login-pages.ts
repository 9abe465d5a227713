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
    html`<h1>Sign in to cairn</h1>
${cli ? html`<p>A CLI (<span id="cli-description">${cli.description}</span>) asks to log in. Signing in gives it a new access token of its own.</p>` : ""}
${error ? html`<p class="error" id="error">${error}</p>` : ""}
<form method="post" action="/login">
${hiddenFields(cli)}
${next === undefined ? "" : html`<input type="hidden" name="next" value="${next}">`}
<p><label for="token">Access token</label><br><input id="token" name="token" type="password" autocomplete="off" required size="50"></p>
<p><button id="sign-in" type="submit">Sign in</button></p>
</form>
<p>Don't have a token? Ask an admin of this server to create one (<code>POST /api/admin/users/&lt;you&gt;/tokens</code>).</p>`,
  );
}

/** A signed-in user confirms that the CLI gets a token (a link alone must not mint one). */
export function authorizePage(user: string, cli: CliLoginRequest, csrf: string): string {
  return page(
    "Authorize the CLI",
    html`<h1>Log the CLI in as <span id="user">${user}</span>?</h1>
<p>The CLI (<span id="cli-description">${cli.description}</span>) waiting on this computer gets a new access token. Only continue if you just ran <code>cairn login</code> or <code>pulumi login</code>.</p>
<form method="post" action="/cli-login">
${hiddenFields(cli)}
${csrfField(csrf)}
<p><button id="authorize" type="submit">Log in the CLI</button></p>
</form>`,
  );
}

function hiddenFields(cli: CliLoginRequest | undefined) {
  return cli === undefined ? "" : cliLoginFields(cli).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
}
