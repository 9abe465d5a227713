/**
 * Query parameter names whose values are secrets. No backend accepts one (credentials never go in a
 * URL), but users type them anyway — `?secretKey=…`, an Azure SAS `?sig=…` — and the URL then
 * reaches an error message. Matched case-insensitively against the whole name or a part of it.
 */
const SECRET_PARAMETER = /secret|token|passw|pwd|credential|signature|^sig$|^sas$|^key$|access_?key|api_?key|account_?key|session_?key|auth/i;

/**
 * A URL as it appears in text: a scheme, `://`, then anything up to whitespace or a quote, less
 * trailing punctuation (`…/state: the bucket name is missing` keeps its colon).
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s"'`<>]*[^\s"'`<>.,:;!?)\]])?/gi;

/** scheme://, optional userinfo@, the rest up to the query, the query, the fragment. */
const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?([^?#]*)(\?[^#]*)?(#.*)?$/is;

const MASK = "***";

/**
 * `url` fit for an error message or a log: scheme, host, port and path as typed, userinfo
 * (`user:pass@`) replaced by `***@`, and the values of secret-looking query parameters by `***`.
 * Works on the text, not on a parsed `URL`, so a URL too broken to parse is still redacted and a
 * safe one comes back unchanged (no re-encoding).
 */
export function redactUrl(url: string): string {
  const parts = URL_PARTS.exec(url);
  if (parts === null) return url;
  const [, scheme = "", userinfo, rest = "", query, fragment = ""] = parts;
  return `${scheme}${userinfo === undefined ? "" : `${MASK}@`}${rest}${query === undefined ? "" : redactQuery(query)}${fragment}`;
}

/** Every URL inside `text` passed through `redactUrl`: the last line of defence before printing or logging. */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

function redactQuery(query: string): string {
  const pairs = query
    .slice(1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      if (equals < 0) return pair;
      if (SECRET_PARAMETER.test(decodeName(pair.slice(0, equals)))) return `${pair.slice(0, equals)}=${MASK}`;
      // A URL as a parameter's value (`?endpoint=http://user:pass@host`) is redacted in turn.
      const value = pair.slice(equals + 1);
      return URL_PARTS.test(value) ? `${pair.slice(0, equals)}=${redactUrl(value)}` : pair;
    });
  return `?${pairs.join("&")}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}
