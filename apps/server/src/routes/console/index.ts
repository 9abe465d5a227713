import { sendHtml } from "../../http/respond.js";
import { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { cliWelcomePage } from "../../web/console-pages.js";
import { webRoute } from "../../web/web-route.js";
import { addAccountPages } from "./account-pages.js";
import { addDashboardPage } from "./dashboard-page.js";
import { addOrgPage } from "./org-page.js";
import { addSessionsPage } from "./sessions-page.js";
import { addStackPages } from "./stack-pages.js";

/**
 * The web console. Its paths are the Pulumi console's where the CLI prints one (`/<org>/<project>/<stack>`,
 * `…/updates/<n>`, `/user/settings/tokens`, the browser login's `/welcome/cli`).
 *
 * They are a fallback table, asked only when no API or sign-in route matched and never for
 * `/api/…`: `/<org>/<project>/<stack>` would otherwise also match three-segment API paths and turn
 * their 404s and 405s into pages. Fixed paths are added before the `/:org/…` patterns, and the
 * first segments they use are names no user or organization may take (`RESERVED_ACCOUNT_NAMES`).
 */
export function consolePages(services: Services): Pick<Router, "match"> {
  const router = new Router();
  router.add("GET", "/welcome/cli", webRoute(async ({ response }) => sendHtml(response, 200, cliWelcomePage())));
  addAccountPages(router, services);
  addSessionsPage(router, services);
  addDashboardPage(router, services);
  // `/<org>` after every fixed one-segment path above.
  addOrgPage(router, services);
  addStackPages(router, services);
  return {
    match: (method, pathname) => (pathname === "/api" || pathname.startsWith("/api/") ? undefined : router.match(method, pathname)),
  };
}
