import { CairnError } from "../errors.js";

/**
 * A URL whose scheme does not match what the endpoint speaks: `https://` (or a TLS parameter) to a
 * plain-HTTP port makes OpenSSL fail the handshake with "wrong version number" (Node's
 * `ERR_SSL_WRONG_VERSION_NUMBER`), a message that names neither the URL nor the fix. Every
 * driver's SDK wraps it differently (as `cause`, inside the message, in an AggregateError), so the
 * one check lives here and looks through all of them. The reverse (plain HTTP to a TLS port)
 * mostly ends as a bare connection reset, which says nothing certain, so only a server that says
 * so ("Client sent an HTTP request to an HTTPS server") is recognised.
 */
export type TransportMismatch = "tls-to-plain-http" | "plain-http-to-tls";

const TLS_TO_PLAIN = /wrong version number|ERR_SSL_WRONG_VERSION_NUMBER|ssl3_get_record|packet length too long|unknown protocol/i;
const PLAIN_TO_TLS = /HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port/i;

/** Which mismatch, if any, `error` (its message, code, causes and aggregated errors) shows. */
export function findTransportMismatch(error: unknown): TransportMismatch | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): TransportMismatch | undefined => {
    if (typeof value !== "object" || value === null || seen.has(value) || depth > 8) return undefined;
    seen.add(value);
    const { message, code, cause, errors } = value as { message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
    const text = `${typeof code === "string" ? code : ""} ${typeof message === "string" ? message : ""}`;
    if (TLS_TO_PLAIN.test(text)) return "tls-to-plain-http";
    if (PLAIN_TO_TLS.test(text)) return "plain-http-to-tls";
    for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
      const found = visit(inner, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(error, 0);
}

/**
 * The clear error for a mismatch found in `error`, or undefined. `what` says what was being done
 * (`get .pulumi/meta.yaml`); the raw OpenSSL text is left out of the message (kept as `cause`).
 */
export function transportMismatchError(error: unknown, what: string): CairnError | undefined {
  const mismatch = findTransportMismatch(error);
  if (mismatch === undefined) return undefined;
  if (mismatch === "tls-to-plain-http") {
    return new CairnError("Unavailable", `${what}: the endpoint answered in plain HTTP, but the URL asks for TLS (https)`, {
      cause: error,
      retryable: false,
      hint: "use http:// for this endpoint (in a backend URL, its endpoint parameter or TLS setting: e.g. `endpoint=http://host:port`, `protocol=http`), or point the URL at the endpoint's TLS port",
    });
  }
  return new CairnError("Unavailable", `${what}: the endpoint speaks TLS (https), but the URL asks for plain HTTP`, {
    cause: error,
    retryable: false,
    hint: "use https:// for this endpoint (in a backend URL, its endpoint parameter or TLS setting: e.g. `endpoint=https://host:port`, `protocol=https`)",
  });
}
