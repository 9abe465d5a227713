import { AsyncLocalStorage } from "node:async_hooks";
import type { AuditCredential, AuditDetails, AuditTarget } from "./event.js";

/**
 * What one audited request has established about itself so far, filled in while it runs by the
 * code that learns each fact: `authenticate` (and the services that check credentials) the actor
 * and credential, `requireRole` the organization the actor belongs to, `stackIdOf` and the
 * account services the target, a route the odd detail (a new name, a result). `handle` creates
 * it for every audited call and writes the event from it once the route has answered.
 */
export interface RequestAudit {
  actor?: string;
  credential?: AuditCredential;
  /** The organization the actor was found to be a member of (never one a non-member only named). */
  org?: string;
  target: AuditTarget;
  details: AuditDetails;
  /** Overrides the route table's action (a route that does several things names the one it did). */
  action?: string;
}

export interface AuditNote {
  actor?: string;
  credential?: AuditCredential;
  org?: string;
  target?: AuditTarget;
  details?: AuditDetails;
  action?: string;
}

const current = new AsyncLocalStorage<RequestAudit>();

/** Runs `work` with `audit` as the current request's record (none: nothing is noted). */
export function withRequestAudit<T>(audit: RequestAudit | undefined, work: () => Promise<T>): Promise<T> {
  return audit === undefined ? work() : current.run(audit, work);
}

/**
 * Adds facts to the current request's audit record; a no-op outside an audited request (a GET, a
 * background task). The first value of each field stands: a rename's second `stackIdOf` (its new
 * name) does not replace the stack it acted on, which the route adds as a detail instead.
 */
export function noteAudit(note: AuditNote): void {
  const audit = current.getStore();
  if (audit === undefined) return;
  if (audit.actor === undefined && note.actor !== undefined) audit.actor = note.actor;
  if (audit.credential === undefined && note.credential !== undefined) audit.credential = note.credential;
  if (audit.org === undefined && note.org !== undefined) audit.org = note.org;
  if (audit.action === undefined && note.action !== undefined) audit.action = note.action;
  for (const [field, value] of Object.entries(note.target ?? {}) as Array<[keyof AuditTarget, string | undefined]>) {
    if (value !== undefined) audit.target[field] ??= value;
  }
  Object.assign(audit.details, note.details);
}
