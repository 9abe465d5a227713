/** How much of a token may be shown: enough to tell `pul-` from `AKIA`, never enough to use. */
const VISIBLE_PREFIX = 4;

/**
 * A token as it may appear in output: its first four characters and an ellipsis (`pul-…`). A token
 * too short for that to leave most of it hidden shows nothing but the ellipsis.
 */
export function redactToken(token: string | undefined): string {
  if (token === undefined || token === "") return "";
  const visible = token.length >= VISIBLE_PREFIX * 4 ? token.slice(0, VISIBLE_PREFIX) : "";
  return `${visible}…`;
}
