import type { IncomingMessage } from "node:http";

/** The web session: an access token of its own ("web session"), revoked on sign-out. */
export const SESSION_COOKIE = "cairn_session";
const SESSION_SECONDS = 12 * 60 * 60;

export function sessionTokenOf(request: IncomingMessage): string | undefined {
  for (const part of String(request.headers.cookie ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE && rest.length > 0) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site's form sends it), Secure over https. */
export function sessionCookie(token: string, baseUrl: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${baseUrl.startsWith("https:") ? "; Secure" : ""}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`;
}
