import type { UpdateCall } from "./update-call-counts.js";

/** How a non-GET route is audited. */
export type RouteAudit =
  /** One event per call, in the organization's log (`org`) or the site's (`site`). */
  | { action: string; scope: "org" | "site" }
  /** No event per call: counted and summarised on the update's `update.complete` / `update.cancel`. */
  | { countedAs: UpdateCall }
  /** Not recorded, and why. */
  | { exempt: string };

const B = "/api/stacks/:org/:project/:stack";
const U = `${B}/:kind/:updateId`;

/**
 * Every state-changing route, by `METHOD pattern`. GET and HEAD are never recorded. A non-GET
 * route missing here is still recorded (action `"<METHOD> <pattern>"`, the organization's log if
 * the caller's membership was checked, else the site's), so a new form or API route is never
 * silently unaudited; it should be named here (or name itself with `noteAudit({ action })`).
 */
export const ROUTE_AUDIT: Record<string, RouteAudit> = {
  "POST /api/user/tokens": { action: "token.create", scope: "site" },
  "DELETE /api/user/tokens/:id": { action: "token.revoke", scope: "site" },
  "POST /api/admin/users": { action: "user.create", scope: "site" },
  "POST /api/admin/users/:user/tokens": { action: "token.create", scope: "site" },
  // The new organization's creator is its first admin (see its members); creation is a site event.
  "POST /api/orgs": { action: "org.create", scope: "site" },
  "PUT /api/orgs/:org/members/:user": { action: "member.set-role", scope: "org" },
  "DELETE /api/orgs/:org/members/:user": { action: "member.remove", scope: "org" },

  "POST /api/stacks/:org/:project": { action: "stack.create", scope: "org" },
  [`DELETE ${B}`]: { action: "stack.delete", scope: "org" },
  [`POST ${B}/rename`]: { action: "stack.rename", scope: "org" },
  [`POST ${B}/import`]: { action: "stack.import", scope: "org" },
  [`PATCH ${B}/tags`]: { action: "stack.tags.update", scope: "org" },
  [`POST ${B}/cancel`]: { action: "update.cancel", scope: "org" },

  // Encryption changes nothing and reveals nothing (ciphertexts for the caller's own values).
  [`POST ${B}/encrypt`]: { exempt: "changes nothing, reveals nothing" },
  [`POST ${B}/batch-encrypt`]: { exempt: "changes nothing, reveals nothing" },
  // Decryption changes nothing either, but reads secrets: who read a stack's secrets is an audit question.
  [`POST ${B}/decrypt`]: { action: "secrets.decrypt", scope: "org" },
  [`POST ${B}/batch-decrypt`]: { action: "secrets.decrypt", scope: "org" },
  // The CLI's report of a decryption by another provider: the log it exists for.
  [`POST ${B}/decrypt/log-decryption`]: { action: "secrets.decrypt-reported", scope: "org" },
  [`POST ${B}/decrypt/log-batch-decryption`]: { action: "secrets.decrypt-reported", scope: "org" },

  [`POST ${B}/:kind`]: { action: "update.create", scope: "org" },
  [`POST ${U}`]: { action: "update.start", scope: "org" },
  [`POST ${U}/complete`]: { action: "update.complete", scope: "org" },
  [`POST ${U}/cancel`]: { action: "update.cancel", scope: "org" },
  [`PATCH ${U}/checkpoint`]: { countedAs: "checkpoints" },
  [`PATCH ${U}/checkpointverbatim`]: { countedAs: "checkpoints" },
  [`PATCH ${U}/checkpointdelta`]: { countedAs: "checkpoints" },
  [`PATCH ${U}/journalentries`]: { countedAs: "journalBatches" },
  [`POST ${U}/events`]: { countedAs: "eventBatches" },
  [`POST ${U}/events/batch`]: { countedAs: "eventBatches" },
  [`POST ${U}/renew_lease`]: { countedAs: "leaseRenewals" },

  // Browser sign-in (`/login` also hands a new token to the CLI when it carries a CLI request).
  "POST /login": { action: "web.sign-in", scope: "site" },
  "POST /logout": { action: "web.sign-out", scope: "site" },
  "POST /cli-login": { action: "cli-login.token-issued", scope: "site" },

  // The console's forms (routes/console/): the same actions as their API counterparts.
  "POST /user/settings/tokens": { action: "token.create", scope: "site" },
  "POST /user/settings/tokens/revoke": { action: "token.revoke", scope: "site" },
  "POST /user/settings/sessions/end": { action: "web.session.end", scope: "site" },
  "POST /user/settings/sessions/end-others": { action: "web.session.end", scope: "site" },
  "POST /orgs": { action: "org.create", scope: "site" },
  "POST /:org/settings/members/role": { action: "member.set-role", scope: "org" },
  "POST /:org/settings/members/add": { action: "member.set-role", scope: "org" },
  "POST /:org/settings/members/remove": { action: "member.remove", scope: "org" },
  // The stack page's reveal decrypts its secret outputs for the page; a restore is a new update (an import).
  "POST /:org/:project/:stack/reveal-secrets": { action: "secrets.decrypt", scope: "org" },
  "POST /:org/:project/:stack/updates/:version/restore": { action: "stack.restore", scope: "org" },
  // Creating a user on the page also issues their first token (`target.tokenId`).
  "POST /site-admin/users": { action: "user.create", scope: "site" },
  "POST /site-admin/users/site-admin": { action: "user.set-site-admin", scope: "site" },
};

export function routeAuditOf(method: string, pattern: string): RouteAudit | undefined {
  if (method === "GET" || method === "HEAD") return undefined;
  return ROUTE_AUDIT[`${method} ${pattern}`] ?? { action: `${method} ${pattern}`, scope: "org" };
}
