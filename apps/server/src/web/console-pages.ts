import { html } from "./html.js";
import { page } from "./layout.js";

/**
 * Small pages at paths the Pulumi CLI prints. The stack, update and preview pages are in
 * `web/pages/` (`stack-page.ts`, `update-page.ts`); their paths in `web/pages/paths.ts`.
 */
export { stackPath, updatePath } from "./pages/paths.js";

/** Where the Pulumi CLI's loopback listener sends the browser once it has its token. */
export function cliWelcomePage(): string {
  return page(
    "Logged in",
    html`<h1>Logged in</h1>
<p id="message">The CLI has its access token: you can close this tab and go back to the terminal.</p>
<p><a href="/">Your stacks</a></p>`,
  );
}

/** Where the Pulumi CLI says to get an access token (`<console>/user/settings/tokens`). */
export function tokensHelpPage(): string {
  return page(
    "Access tokens",
    html`<h1>Access tokens</h1>
<p>This server has no passwords: an access token is the credential. An admin of the server creates a user's first token (<code>POST /api/admin/users/&lt;user&gt;/tokens</code>).</p>
<p>With a token, <code>pulumi login &lt;server URL&gt;</code> logs in by pasting it, or press ENTER to sign in here with it and hand the CLI a new token of its own. A signed-in CLI creates more with <code>POST /api/user/tokens</code>.</p>
<p><a href="/">Your stacks</a></p>`,
  );
}
