import type { IncomingMessage, ServerResponse } from "node:http";
import { isCairnError } from "@cairn/core";
import { responseStatusOf, sendHtml } from "../http/respond.js";
import type { Handler } from "../http/router.js";
import type { Services } from "../services.js";
import { html } from "./html.js";
import { page } from "./layout.js";
import { csrfTokenFor } from "./csrf.js";
import type { WebPrincipal } from "./web-principal.js";
import { sessionSecretOf } from "./session-cookie.js";

/** A page route: a CairnError becomes an HTML page with the same status, not a JSON body. */
export function webRoute(handler: Handler): Handler {
  return async (context) => {
    try {
      await handler(context);
    } catch (error) {
      const status = responseStatusOf(error);
      if (!isCairnError(error) || status >= 500 || context.response.headersSent) throw error;
      sendHtml(context.response, status, page("Error", html`<h1>cairn</h1><p class="error" id="error">${error.message}</p>${error.hint ? html`<p>${error.hint}</p>` : ""}`));
    }
  };
}

export type { WebPrincipal } from "./web-principal.js";

/** The signed-in user of the browser's session cookie, or undefined (none, signed out, expired, user gone). */
export async function sessionPrincipal(services: Services, request: IncomingMessage): Promise<WebPrincipal | undefined> {
  const secret = sessionSecretOf(request);
  if (secret === undefined) return undefined;
  const session = await services.webSessions.resolve(secret);
  if (session === undefined) return undefined;
  const user = await services.accounts.getUser(session.user);
  return user === undefined ? undefined : { user, session, csrf: csrfTokenFor(secret) };
}

/** 303 See Other: after a form, the browser GETs `location`. */
export function redirect(response: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  response.writeHead(303, { location, "content-length": 0, "cache-control": "no-store", "referrer-policy": "no-referrer", ...headers });
  response.end();
}
