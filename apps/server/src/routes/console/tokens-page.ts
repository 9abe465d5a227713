import { CairnError } from "@cairn/core";
import { TOKEN_DESCRIPTION_MAX } from "../../accounts/accounts.js";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { TOKENS_PATH, tokensPage, type TokensView } from "../../web/pages/account-tokens.js";
import { sessionForm, sessionPage } from "../../web/session-routes.js";
import type { WebPrincipal } from "../../web/web-route.js";
import { runForm } from "./account-forms.js";

/** A token's public id: 16 hex digits (anything else names no token). */
const TOKEN_ID = /^[0-9a-f]{16}$/;

/**
 * `/user/settings/tokens`: the signed-in user's own tokens. Creating answers with the page that
 * shows the new secret once (200, no redirect: a URL never carries it); revoking answers 303.
 * Every call goes through `Accounts`, as `/api/user/tokens` does, so both follow the same rules.
 */
export function addTokensPage(router: Router, services: Services): void {
  const render = async (principal: WebPrincipal, extra: Omit<TokensView, "principal" | "tokens" | "serverUrl"> = {}) =>
    tokensPage({ principal, tokens: await services.accounts.tokensOf(principal.user.name), serverUrl: services.baseUrl(), ...extra });

  router.add("GET", TOKENS_PATH, sessionPage(services, async ({ query }, principal) => render(principal, { done: query.get("done") })));

  router.add("POST", TOKENS_PATH, sessionForm(services, async ({ response }, principal, form) => {
    const description = (form.get("description") ?? "").trim();
    await runForm(
      response,
      async () => {
        if (description === "") throw new CairnError("InvalidArgument", "a token needs a description", { hint: "say what will use it, so you can tell tokens apart later" });
        return { page: await render(principal, { created: await services.accounts.issueToken(principal.user.name, description) }) };
      },
      (error) => render(principal, { error, description: description.slice(0, TOKEN_DESCRIPTION_MAX) }),
    );
  }));

  router.add("POST", `${TOKENS_PATH}/revoke`, sessionForm(services, async ({ response }, principal, form) => {
    const id = form.get("id") ?? "";
    await runForm(
      response,
      async () => {
        if (!TOKEN_ID.test(id)) throw new CairnError("NotFound", `no token ${id} for user ${principal.user.name}`);
        await services.accounts.revokeToken(principal.user.name, id);
        return { redirect: `${TOKENS_PATH}?done=revoked` };
      },
      (error) => render(principal, { error }),
    );
  }));
}
