import { sendHtml } from "../../http/respond.js";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { tokensHelpPage } from "../../web/console-pages.js";
import { webRoute } from "../../web/web-route.js";

/** The account pages: access tokens (Pulumi's `/user/settings/tokens`), organizations, members, site admin. */
export function addAccountPages(router: Router, _services: Services): void {
  router.add("GET", "/user/settings/tokens", webRoute(async ({ response }) => sendHtml(response, 200, tokensHelpPage())));
}
