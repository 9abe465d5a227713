import { hostname } from "node:os";

/** What `Logged into HOST` shows: the machine for file URLs, the host (bucket) otherwise. */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "file:") return hostname();
    return parsed.host || parsed.protocol.replace(/:$/, "");
  } catch {
    return url;
  }
}
