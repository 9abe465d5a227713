/**
 * What the audit log keeps: one event per state-changing call (see `actions.ts` for which calls and
 * `README.md` § Audit log). An event never holds a secret: credentials appear by their public id
 * (a token's 16-hex id, a web session's digest prefix), paths without query strings.
 */

/** Whose log an event is in: an organization's, or the site's (users, tokens, sign-ins, new organizations). */
export type AuditScope = { org: string } | "site";

/** The credential a call was made with, by public id only. */
export type AuditCredential =
  | { kind: "token"; id: string }
  | { kind: "web-session"; id: string }
  /** A running update's calls (`complete`): the update token proves the update started by `actor`. */
  | { kind: "update-token"; updateId: string };

/** What the call acted on; only the fields that apply. */
export interface AuditTarget {
  org?: string;
  project?: string;
  stack?: string;
  updateId?: string;
  user?: string;
  tokenId?: string;
}

/** Small facts about the call (a new name, a role, an update's result, counts): flat values only. */
export type AuditDetails = Record<string, string | number | boolean>;

export interface AuditEvent {
  /** Sortable id (newest first in key order): the `before` cursor of a page. */
  id: string;
  /** ISO 8601, from the server's clock (`ServerOptions.now`). */
  time: string;
  /** The organization whose log holds it; absent for the site's log. */
  org?: string;
  /** The user name; "anonymous" only for a successful call that no credential vouched for. */
  actor: string;
  credential?: AuditCredential;
  /** A stable name: `stack.create`, `update.complete`, `token.revoke`, … (`actions.ts`). */
  action: string;
  target: AuditTarget;
  details?: AuditDetails;
  method: string;
  /** The request path only (no query string); a path segment that could be a secret is `[redacted]`. */
  path: string;
  /** The HTTP status answered. */
  status: number;
  outcome: "success" | "failure";
  /** The client's address (X-Forwarded-For's, when the server trusts a proxy). */
  address: string;
  /** The connecting peer, when `address` came from X-Forwarded-For. */
  proxy?: string;
}

/** What a caller gives `AuditLog.record`; the log adds `id` and `time`. */
export interface AuditRecordInput {
  scope: AuditScope;
  action: string;
  actor: string;
  credential?: AuditCredential;
  target?: AuditTarget;
  details?: AuditDetails;
  method: string;
  path: string;
  status: number;
  address: string;
  proxy?: string;
}
