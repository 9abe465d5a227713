import type { Handler, RouteContext } from "../http/router.js";
import { readFormBody } from "../http/request-body.js";
import { sendHtml } from "../http/respond.js";
import type { Services } from "../services.js";
import { requireCsrf } from "./csrf.js";
import { signInFor } from "./next-path.js";
import { requireSameOrigin } from "./same-origin.js";
import { redirect, sessionPrincipal, webRoute, type WebPrincipal } from "./web-route.js";

/** A console form holds a few short fields: nothing near the API's body limit. */
export const CONSOLE_FORM_LIMIT_BYTES = 16 * 1024;

/**
 * A console page for a signed-in browser: without a live session the browser is sent to sign in
 * and comes back here afterwards. `render` returns the page's HTML.
 */
export function sessionPage(services: Services, render: (context: RouteContext, principal: WebPrincipal) => Promise<string>): Handler {
  return webRoute(async (context) => {
    const principal = await sessionPrincipal(services, context.request);
    if (principal === undefined) return redirect(context.response, signInFor(context.request.url ?? "/"));
    sendHtml(context.response, 200, await render(context, principal));
  });
}

/**
 * A console form's POST: posted from this server's own page (same origin), by a live session,
 * carrying that session's anti-forgery token; only then is the form read by `handle`, which
 * answers itself (usually a 303 back to a page, or a page showing a one-time secret).
 */
export function sessionForm(services: Services, handle: (context: RouteContext, principal: WebPrincipal, form: URLSearchParams) => Promise<void>): Handler {
  return webRoute(async (context) => {
    requireSameOrigin(context.request, services.baseUrl());
    const form = await readFormBody(context.request, CONSOLE_FORM_LIMIT_BYTES);
    const principal = await sessionPrincipal(services, context.request);
    if (principal === undefined) return redirect(context.response, "/login");
    requireCsrf(form, principal.csrf);
    await handle(context, principal, form);
  });
}
