import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../log.js";
import { loggableSegment } from "../http/path-redaction.js";
import { sendJson } from "../http/respond.js";
import type { AuditLog } from "./audit-log.js";
import { routeAuditOf } from "./actions.js";
import { clientAddressOf } from "./client-address.js";
import type { AuditRecordInput, AuditTarget } from "./event.js";
import { holdResponse } from "./held-response.js";
import type { RequestAudit } from "./request-audit.js";

const UPDATE_ID = /^[0-9A-Za-z-]{1,64}$/;

/** Path parameters that name a target, and the target field each fills. */
const PARAM_TARGETS: Record<string, keyof AuditTarget> = { org: "org", project: "project", stack: "stack", updateId: "updateId", user: "user", id: "tokenId" };

export interface AuditedRequest {
  /** The record the route fills while it runs (pass to `withRequestAudit`); none for a call that is only counted. */
  audit?: RequestAudit;
  /** Stores the event, then lets the held response go (or answers 500 when the event could not be stored). */
  finish(): Promise<void>;
}

/**
 * Starts auditing one request to the route `pattern`, or returns undefined when the route is not
 * audited (GET, HEAD, an exempt route; an intra-update call is only counted, on success).
 *
 * Which calls get an event (`worthRecording`): every call that succeeded; and, when a credential
 * made it, one that failed on the server's side (5xx: part of a change may have been made) or was
 * refused (403: not allowed; 404: not a member, or no such thing). Bad input (400, 409, 413, …) changes nothing, the audit
 * log included. A call with no valid credential (401, a failed sign-in) is not recorded either:
 * anyone could fill the store with them; the request log has them, with the address. A successful
 * call that no credential vouched for is recorded as "anonymous".
 *
 * A call whose record cannot be stored is loud: the whole event (no secrets in it) goes to the
 * error log, so it is never lost silently; and unless the call was refused anyway, the route's
 * answer is dropped and the client gets a 500 saying the change may have been made (so a secret
 * or a new token is not handed out unrecorded, and nobody takes an unrecorded change for done).
 */
export function auditRequest(
  log: AuditLog,
  logger: Logger,
  trustedProxies: number,
  request: IncomingMessage,
  response: ServerResponse,
  pattern: string,
  params: Record<string, string>,
): AuditedRequest | undefined {
  const method = request.method ?? "POST";
  const route = routeAuditOf(method, pattern);
  if (route === undefined || "exempt" in route) return undefined;
  if ("countedAs" in route) {
    const updateId = params.updateId;
    return {
      finish: async () => {
        if (response.statusCode < 400 && updateId !== undefined && UPDATE_ID.test(updateId)) log.updateCalls.add(updateId, route.countedAs);
      },
    };
  }
  const audit: RequestAudit = { target: {}, details: {} };
  for (const [name, value] of Object.entries(params)) {
    const field = PARAM_TARGETS[name];
    if (field !== undefined) audit.target[field] = loggableSegment(value);
  }
  const held = holdResponse(response);
  return {
    audit,
    finish: async () => {
      const status = held.status();
      if (!worthRecording(status, audit.actor !== undefined)) return held.release();
      const action = audit.action ?? route.action;
      if (action === "update.complete" || action === "update.cancel") {
        const updateId = audit.target.updateId;
        if (updateId !== undefined && status < 400) Object.assign(audit.details, log.updateCalls.take(updateId));
      }
      const input: AuditRecordInput = {
        scope: route.scope === "org" && audit.org !== undefined ? { org: audit.org } : "site",
        action,
        actor: audit.actor ?? "anonymous",
        ...(audit.credential === undefined ? {} : { credential: audit.credential }),
        target: audit.target,
        details: audit.details,
        method,
        path: auditPath(pattern, params),
        status,
        ...clientAddressOf(request, trustedProxies),
      };
      try {
        await log.record(input);
      } catch (error) {
        const refused = status >= 400 && status < 500;
        logger.error(refused ? "audit record not stored" : "audit record not stored: the call's answer was replaced by a 500", { event: { ...input }, error: error instanceof Error ? error.message : String(error) });
        if (refused) return held.release();
        held.discard();
        sendJson(response, 500, {
          code: 500,
          message: "the call may have been carried out, but its audit record could not be stored; the record is in the server's error log",
          errorCode: "Internal",
        });
        return;
      }
      held.release();
    },
  };
}

function worthRecording(status: number, hasActor: boolean): boolean {
  if (status < 400) return true;
  return hasActor && (status >= 500 || status === 403 || status === 404);
}

/** The route's pattern with each parameter's value, or `[redacted]` where the value could be a secret. */
export function auditPath(pattern: string, params: Record<string, string>): string {
  return pattern
    .split("/")
    .map((segment) => (segment.startsWith(":") ? loggableSegment(params[segment.slice(1)] ?? "") : segment))
    .join("/");
}
