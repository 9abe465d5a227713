import { CairnError } from "@cairn/core";

/** Roles in an organization, weakest first. */
export const ROLES = ["viewer", "member", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What a request needs on a stack's organization. */
export type Permission = "read" | "write" | "admin";

const NEEDED: Record<Permission, Role> = { read: "viewer", write: "member", admin: "admin" };

export function allows(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(NEEDED[permission]);
}

export function parseRole(value: unknown): Role {
  if (typeof value === "string" && (ROLES as readonly string[]).includes(value)) return value as Role;
  throw new CairnError("InvalidArgument", `role must be one of ${ROLES.join(", ")}`);
}
