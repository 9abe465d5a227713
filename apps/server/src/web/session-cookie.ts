import type { IncomingMessage } from "node:http";

import { WEB_SESSION_MS } from "../accounts/web-sessions.js";

/** The web session's cookie: the secret of a server-side session (see WebSessions), not an API token. */
export const SESSION_COOKIE = "cairn_session";
const SESSION_SECONDS = WEB_SESSION_MS / 1000;

export function sessionSecretOf(request: IncomingMessage): string | undefined {
  for (const part of String(request.headers.cookie ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE && rest.length > 0) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site's form sends it), Secure over https. */
export function sessionCookie(secret: string, baseUrl: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(secret)}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${baseUrl.startsWith("https:") ? "; Secure" : ""}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`;
}
