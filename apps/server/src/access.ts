import type { IncomingMessage } from "node:http";
import { CairnError, validateName } from "@cairn/core";
import type { Principal } from "./accounts/accounts.js";
import { allows, type Permission, type Role } from "./accounts/roles.js";
import { noteAudit } from "./audit/request-audit.js";
import type { Services } from "./services.js";
import type { StackId } from "./state/org-state.js";

/** The credential in an Authorization header: `token <t>` (a user) or `update-token <t>` (a running update). */
export function credentialOf(request: IncomingMessage, scheme: "token" | "update-token"): string {
  const header = request.headers.authorization ?? "";
  const match = /^(\S+)\s+(\S+)$/.exec(header.trim());
  if (match === null || match[1]?.toLowerCase() !== scheme) {
    throw new CairnError("Unauthenticated", `this request needs an "Authorization: ${scheme} …" header`, {
      hint: scheme === "token" ? "log in with `cairn login <server URL>` or set PULUMI_ACCESS_TOKEN" : "checkpoint calls use the update token from starting the update",
    });
  }
  return match[2] as string;
}

/**
 * The API caller: an access token in the Authorization header (a web session's cookie never is one).
 * (`Accounts.authenticate` notes the caller for the request's audit record.)
 */
export async function authenticate(services: Services, request: IncomingMessage): Promise<Principal> {
  return services.accounts.authenticate(credentialOf(request, "token"));
}

/** Checks the names in a stack path (400 for anything that could escape a directory) and returns the id. */
export function stackIdOf(params: Record<string, string>): StackId {
  const id = { org: params.org ?? "", project: params.project ?? "", stack: params.stack ?? "" };
  validateName("organization", id.org);
  validateName("project", id.project);
  validateName("stack", id.stack);
  noteAudit({ target: id });
  return id;
}

/**
 * The caller's role in `org`, requiring `permission`. A non-member learns nothing, not even that
 * the organization exists (404); a member without the permission gets 403.
 */
export async function requireRole(services: Services, principal: Pick<Principal, "user">, org: string, permission: Permission): Promise<Role> {
  validateName("organization", org);
  const role: Role | undefined = principal.user.siteAdmin ? "admin" : await services.accounts.roleOf(org, principal.user.name);
  if (role === undefined) throw new CairnError("NotFound", `organization ${org} not found`);
  // A member's call (allowed or not) goes to the organization's log; a non-member's only to the site's.
  noteAudit({ org, details: { role } });
  if (!allows(role, permission)) {
    throw new CairnError("PermissionDenied", `${principal.user.name} is a ${role} of ${org}: ${permission} access is needed`, {
      hint: "ask an admin of the organization for a role with more access",
    });
  }
  return role;
}
