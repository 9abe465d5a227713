import { CairnError } from "@cairn/core";

/**
 * Names no user or organization may take: the web console's fixed first path segments
 * (`/orgs`, `/site-admin/users`, `/user/settings/tokens`, `/login`, …) sit beside `/<org>/…`, so an
 * account of one of these names would have pages nobody can reach.
 */
export const RESERVED_ACCOUNT_NAMES: ReadonlySet<string> = new Set([
  "api", "assets", "cli-login", "healthz", "login", "logout", "orgs", "settings", "site-admin", "static", "user", "users", "welcome",
]);

export function refuseReservedName(kind: "user" | "organization", name: string): void {
  if (RESERVED_ACCOUNT_NAMES.has(name.toLowerCase())) {
    throw new CairnError("InvalidArgument", `${name} is reserved for the web console's pages and cannot name a ${kind}`, { hint: `choose another ${kind} name` });
  }
}
