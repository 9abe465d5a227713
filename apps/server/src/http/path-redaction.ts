/** A path segment that could be a credential: an access token, a web session's secret, a long hex secret. */
const SECRET_LOOKING = /^(pul-|cairn-web-)|^[0-9a-f]{40,}$/i;
/** What a segment may be to be written down at all: a name or an id. */
const SAFE_SEGMENT = /^[A-Za-z0-9_.-]{1,100}$/;

/** `value` if it is a plain name or id that cannot be a secret, else `[redacted]` (for logs and the audit log). */
export function loggableSegment(value: string): string {
  return SAFE_SEGMENT.test(value) && !SECRET_LOOKING.test(value) ? value : "[redacted]";
}

/**
 * A request path fit for a log: each segment that could be a secret (someone pasting a token into
 * `/api/user/tokens/<id>`) is `[redacted]`; other segments stay as sent.
 */
export function loggablePath(pathname: string): string {
  return pathname
    .split("/")
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // kept as sent: not a secret we could recognise either way
      }
      return SECRET_LOOKING.test(decoded) ? "[redacted]" : segment;
    })
    .join("/");
}
