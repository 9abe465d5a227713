import { WebSessions } from "../../accounts/web-sessions.js";
import type { Router } from "../../http/router.js";
import type { Services } from "../../services.js";
import { sessionsPage } from "../../web/pages/sessions-page.js";
import { sessionSecretOf } from "../../web/session-cookie.js";
import { redirect } from "../../web/web-route.js";
import { sessionForm, sessionPage } from "../../web/session-routes.js";

const ENDED = { one: "one", others: "others" } as const;

/** `/user/settings/sessions`: the user's browser sessions, each revocable (see WebSessions). */
export function addSessionsPage(router: Router, services: Services): void {
  router.add("GET", "/user/settings/sessions", sessionPage(services, async ({ request, query }, principal) => {
    const current = WebSessions.idOf(sessionSecretOf(request) ?? "");
    const ended = query.get("ended");
    const notice = ended === ENDED.one ? "The session was ended." : ended === ENDED.others ? "Every other session was ended." : undefined;
    return sessionsPage(principal, await services.webSessions.listOf(principal.user.name), current, notice);
  }));

  router.add("POST", "/user/settings/sessions/end", sessionForm(services, async ({ request, response }, principal, form) => {
    const id = form.get("id") ?? "";
    await services.webSessions.endById(principal.user.name, new Set([id]));
    // Ending this browser's own session is signing out.
    if (id === WebSessions.idOf(sessionSecretOf(request) ?? "")) return redirect(response, "/login");
    redirect(response, `/user/settings/sessions?ended=${ENDED.one}`);
  }));

  router.add("POST", "/user/settings/sessions/end-others", sessionForm(services, async ({ request, response }, principal) => {
    const current = WebSessions.idOf(sessionSecretOf(request) ?? "");
    const others = (await services.webSessions.listOf(principal.user.name)).map((session) => session.id).filter((id) => id !== current);
    await services.webSessions.endById(principal.user.name, new Set(others));
    redirect(response, `/user/settings/sessions?ended=${ENDED.others}`);
  }));
}
