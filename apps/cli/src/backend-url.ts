import { hostname } from "node:os";

/** What Pulumi's self-managed backend calls itself (`diyBackend.Name()`): the hostname, else `diy`. */
export function machineName(): string {
  return hostname() || "diy";
}
