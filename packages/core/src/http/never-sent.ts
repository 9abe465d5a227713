/**
 * Connection failures that happen before a request is sent — refused, no such host, no route,
 * a connect timeout (undici's) — so nothing reached the server: a write that failed this way
 * surely did not land, and may be sent again whatever it is.
 */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * Whether `error` (or an error it wraps as `cause`, as `fetch` does) is a connection that was never
 * made. A reset, a timeout after connecting or a cut-short answer is not: the request may have
 * been processed.
 */
export function requestNeverSent(error: unknown): boolean {
  for (let cause = error, depth = 0; typeof cause === "object" && cause !== null && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT.has(code)) return true;
  }
  return false;
}
