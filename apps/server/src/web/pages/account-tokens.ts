import { TOKEN_DESCRIPTION_MAX, type TokenRecord } from "../../accounts/accounts.js";
import { csrfField } from "../csrf.js";
import { html, type Html } from "../html.js";
import { consolePage } from "../layout.js";
import type { WebPrincipal } from "../web-route.js";
import { doneNotice, errorNotice, secretOnce, timeOf } from "./account-parts.js";

export const TOKENS_PATH = "/user/settings/tokens";

export interface TokensView {
  principal: WebPrincipal;
  /** The user's tokens, newest first. */
  tokens: TokenRecord[];
  serverUrl: string;
  /** Only on the page answering the create form: the secret, shown this once. */
  created?: { token: string; record: TokenRecord };
  error?: string;
  /** The description the user typed, kept when the form was refused. */
  description?: string;
  done?: string | null;
}

/**
 * Access tokens (Pulumi's `/user/settings/tokens`, where the CLI says to get one): the user's
 * tokens with when they were made and last used, a create form and a revoke button per live token.
 */
export function tokensPage(view: TokensView): string {
  const { principal } = view;
  return consolePage({
    title: "Access tokens",
    principal,
    section: "tokens",
    body: html`<h1>Access tokens</h1>
<p>An access token lets the CLI, CI jobs and scripts act as <strong>${principal.user.name}</strong>. This server has no passwords: a token is also how you sign in here.</p>
${doneNotice(view.done ?? null, { revoked: "Token revoked: the API now refuses it." })}
${view.created ? secretOnce({ heading: `New token: ${view.created.record.description}`, token: view.created.token, owner: principal.user.name, serverUrl: view.serverUrl }) : ""}
<section class="panel" aria-labelledby="create-heading">
<h2 id="create-heading">Create a token</h2>
${errorNotice(view.error)}
<form method="post" action="${TOKENS_PATH}">
${csrfField(principal.csrf)}
<label for="token-description">Description (what will use it, e.g. "laptop" or "CI deploy")</label>
<input id="token-description" name="description" required maxlength="${TOKEN_DESCRIPTION_MAX}" size="40" autocomplete="off" value="${view.description ?? ""}">
<button id="create-token" type="submit">Create token</button>
</form>
</section>
<h2>Your tokens</h2>
${view.tokens.length === 0 ? html`<p id="no-tokens">No tokens yet.</p>` : tokensTable(view.tokens, principal.csrf)}`,
  });
}

function tokensTable(tokens: TokenRecord[], csrf: string): Html {
  return html`<div class="table-wrap"><table id="tokens">
<caption class="visually-hidden">Your access tokens, newest first</caption>
<thead><tr><th scope="col">Description</th><th scope="col" class="hide-narrow">Token</th><th scope="col" class="hide-narrow">Created</th><th scope="col" class="hide-narrow">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${tokens.map((token) => html`<tr id="token-${token.id}" class="${token.revokedAt === undefined ? "active" : "revoked"}">
<td class="token-description">${token.description || html`<span class="muted">(no description)</span>`}</td>
<td class="hide-narrow"><code>${token.redacted}</code> <span class="muted mono token-id">id ${token.id}</span></td>
<td class="hide-narrow">${timeOf(token.createdAt)}</td>
<td class="hide-narrow">${timeOf(token.lastUsedAt)}</td>
<td>${token.revokedAt === undefined ? html`<span class="badge ok">active</span>` : html`<span class="badge bad">revoked</span> <span class="muted">at ${timeOf(token.revokedAt)}</span>`}</td>
<td>${token.revokedAt === undefined ? revokeForm(token, csrf) : ""}</td>
</tr>`)}
</tbody></table></div>`;
}

function revokeForm(token: TokenRecord, csrf: string): Html {
  return html`<form class="inline" method="post" action="${TOKENS_PATH}/revoke">
${csrfField(csrf)}<input type="hidden" name="id" value="${token.id}">
<button class="danger" id="revoke-${token.id}" type="submit" aria-label="Revoke token ${token.description || token.redacted} (it stops working at once)">Revoke</button>
</form>`;
}
