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
