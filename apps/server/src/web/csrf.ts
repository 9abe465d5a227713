import { createHmac, timingSafeEqual } from "node:crypto";
import { CairnError } from "@cairn/core";
import { html, type Html } from "./html.js";

/** The hidden form field every signed-in form carries. */
export const CSRF_FIELD = "csrf";

/**
 * A session's anti-forgery token: derived from the session's secret, so it is stored nowhere,
 * differs per session, dies with the session, and another site (which cannot read the HttpOnly
 * cookie or this server's pages) cannot know it. The SameSite=Strict cookie and the same-origin
 * check are the other two layers; this one holds even if a browser ignores both.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac("sha256", sessionSecret).update("cairn-web-csrf").digest("base64url");
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/** Refuses a form whose token is not this session's (403, nothing done). */
export function requireCsrf(form: URLSearchParams, expected: string): void {
  const sent = Buffer.from(form.get(CSRF_FIELD) ?? "");
  const wanted = Buffer.from(expected);
  if (sent.length !== wanted.length || !timingSafeEqual(sent, wanted)) {
    throw new CairnError("PermissionDenied", "this form is out of date or was not sent from this server's pages", { hint: "reload the page and submit it again" });
  }
}
