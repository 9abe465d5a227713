/**
 * Where to send the browser after signing in (`/login?next=…`): only a path on this server, so a
 * crafted sign-in link cannot forward a fresh session to another site (`//evil`, `/\evil`, `https:`).
 */
export function safeNextPath(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value.length > 2000) return undefined;
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\s\u0000-\u001f\u007f]/.test(value)) return undefined;
  const base = "http://cairn.invalid";
  const url = new URL(value, base);
  return url.origin === base ? `${url.pathname}${url.search}` : undefined;
}

/** The sign-in page that comes back to `path` (path and query) afterwards. */
export function signInFor(path: string): string {
  return `/login?${new URLSearchParams({ next: path })}`;
}
