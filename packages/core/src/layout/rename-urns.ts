import { isObject } from "../checkpoint/migrate.js";
import type { Deployment } from "../checkpoint/types.js";
import { formatUrn, isUrn, urnParts } from "../checkpoint/urn.js";

/**
 * Rewrites a deployment for a renamed stack, following Pulumi's `edit.RenameStack`
 * (`pkg/resource/edit/operations.go`): every URN of the old stack
 * (`urn:pulumi:<stack>::<project>::<type>::<name>`) gets the new stack and project — in the
 * resource itself, its parent, dependencies, property dependencies, aliases, `deletedWith`,
 * `replaceWith`, `viewOf`, its provider reference (`<urn>::<id>`) and resource references inside
 * inputs and outputs. The root stack resource's name is `<project>-<stack>`, so it is renamed too.
 * URNs of other stacks are left alone. Encrypted secrets cannot be rewritten without their key and
 * are left as they are, as Pulumi does.
 */
export interface StackRename {
  oldName: string;
  /** The project the URNs carry; `undefined` matches any (a legacy stack's reference has none). */
  oldProject?: string;
  newName: string;
  newProject?: string;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

export function renameStackInDeployment(deployment: Deployment, rename: StackRename): Deployment {
  const renameUrn = (urn: unknown): unknown => (typeof urn === "string" ? renameOneUrn(urn, rename) : urn);
  const renameList = (value: unknown): unknown => (Array.isArray(value) ? value.map(renameUrn) : value);
  const rewrite = (resource: Record<string, unknown>): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...resource, urn: renameUrn(resource.urn) };
    for (const field of ["parent", "deletedWith", "viewOf"]) if (field in copy) copy[field] = renameUrn(copy[field]);
    for (const field of ["dependencies", "aliases", "replaceWith"]) if (field in copy) copy[field] = renameList(copy[field]);
    if (isObject(copy.propertyDependencies)) {
      copy.propertyDependencies = Object.fromEntries(Object.entries(copy.propertyDependencies).map(([key, deps]) => [key, renameList(deps)]));
    }
    if (typeof copy.provider === "string") copy.provider = renameProviderReference(copy.provider, rename);
    for (const field of ["inputs", "outputs"]) if (field in copy) copy[field] = renameInValue(copy[field], rename);
    return copy;
  };
  const renamed: Deployment = { ...deployment };
  if (deployment.resources !== undefined) renamed.resources = deployment.resources.map((resource) => rewrite(resource) as typeof resource);
  if (Array.isArray(deployment.pending_operations)) {
    renamed.pending_operations = deployment.pending_operations.map((operation) =>
      isObject(operation) && isObject(operation.resource) ? { ...operation, resource: rewrite(operation.resource) } : operation,
    );
  }
  return renamed;
}

function renameOneUrn(urn: string, rename: StackRename): string {
  if (!isUrn(urn)) return urn;
  const { stack, project, qualifiedType, name } = urnParts(urn)!;
  if (stack !== rename.oldName) return urn;
  if (rename.oldProject !== undefined && project !== rename.oldProject) return urn;
  const newProject = rename.newProject ?? project;
  return formatUrn({ stack: rename.newName, project: newProject, qualifiedType, name: qualifiedType === ROOT_STACK_TYPE ? `${newProject}-${rename.newName}` : name });
}

/** A provider reference is `<provider urn>::<id>`; the id never contains `::`. */
function renameProviderReference(reference: string, rename: StackRename): string {
  const split = reference.lastIndexOf("::");
  if (split === -1) return reference;
  const urn = reference.slice(0, split);
  const renamed = renameOneUrn(urn, rename);
  return renamed === urn ? reference : `${renamed}${reference.slice(split)}`;
}

function renameInValue(value: unknown, rename: StackRename): unknown {
  if (Array.isArray(value)) return value.map((element) => renameInValue(element, rename));
  if (!isObject(value)) return value;
  if (value[SIG_KEY] === RESOURCE_REFERENCE_SIG) {
    return typeof value.urn === "string" ? { ...value, urn: renameOneUrn(value.urn, rename) } : value;
  }
  if (SIG_KEY in value) return value; // secrets and other signed values: opaque here
  return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, renameInValue(element, rename)]));
}
