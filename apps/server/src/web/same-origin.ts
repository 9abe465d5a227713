import type { IncomingMessage } from "node:http";
import { CairnError } from "@cairn/core";

/**
 * Forms are accepted only from this server's own pages (login CSRF: another site must not sign a
 * browser in, or out, with a token of its choosing): `Sec-Fetch-Site` must be same-origin, or,
 * from a browser that does not send it, `Origin` must be the public URL's or the addressed origin.
 */
export function requireSameOrigin(request: IncomingMessage, baseUrl: string): void {
  // Fetch metadata first: the sign-in pages send `Referrer-Policy: no-referrer`, under which a
  // browser's form POST carries `Origin: null`, but `Sec-Fetch-Site` still says where it came from.
  const fetchSite = request.headers["sec-fetch-site"];
  if (fetchSite !== undefined) {
    if (fetchSite === "same-origin" || fetchSite === "none") return;
    throw foreignForm();
  }
  const origin = request.headers.origin;
  if (origin === undefined) return; // not a browser (a script posting the form itself): nothing to forge
  const scheme = baseUrl.startsWith("https:") ? "https" : "http";
  const allowed = new Set([safeOrigin(baseUrl), `${scheme}://${request.headers.host ?? ""}`]);
  if (!allowed.has(origin)) throw foreignForm();
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

function foreignForm(): CairnError {
  return new CairnError("PermissionDenied", "this form was posted from another site", { hint: "sign in from this server's own /login page" });
}
