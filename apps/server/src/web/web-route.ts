import type { IncomingMessage, ServerResponse } from "node:http";
import { isCairnError } from "@cairn/core";
import type { Principal } from "../accounts/accounts.js";
import { responseStatusOf, sendHtml } from "../http/respond.js";
import type { Handler } from "../http/router.js";
import type { Services } from "../services.js";
import { html, page } from "./html.js";
import { sessionTokenOf } from "./session-cookie.js";

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

/** The signed-in user of the browser's session cookie, or undefined (none, revoked, unknown). */
export async function sessionPrincipal(services: Services, request: IncomingMessage): Promise<Principal | undefined> {
  const token = sessionTokenOf(request);
  if (token === undefined) return undefined;
  try {
    return await services.accounts.authenticate(token);
  } catch (error) {
    if (isCairnError(error, "Unauthenticated")) return undefined;
    throw error;
  }
}

/** 303 See Other: after a form, the browser GETs `location`. */
export function redirect(response: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  response.writeHead(303, { location, "content-length": 0, "cache-control": "no-store", "referrer-policy": "no-referrer", ...headers });
  response.end();
}
