import type { Resource } from "@cairn/core";

/**
 * After a journal that refreshed anything, Pulumi's replay drops every reference to a resource
 * that is not earlier in the snapshot (a refresh may delete a resource others still depend on):
 * dependencies, property dependencies, replaceWith and deletedWith keep only earlier resources,
 * and a parent that is gone is cleared. The list is assumed to be in dependency order already, as
 * the journal keeps it. Emptied fields are dropped, as Go's `omitempty` would on the wire.
 * Mutates the resources (the caller's private copies).
 */
export function rebuildDependencies(resources: Resource[]): void {
  const earlier = new Set<string>();
  for (const resource of resources) {
    const dependencies = resource.dependencies;
    if (Array.isArray(dependencies) && dependencies.length > 0) setList(resource, "dependencies", dependencies.filter((urn) => earlier.has(urn)));

    const propertyDependencies = resource["propertyDependencies"];
    if (isRecord(propertyDependencies) && Object.keys(propertyDependencies).length > 0) {
      const kept: Record<string, string[]> = {};
      for (const [key, deps] of Object.entries(propertyDependencies)) {
        const remaining = (Array.isArray(deps) ? (deps as string[]) : []).filter((urn) => earlier.has(urn));
        if (remaining.length > 0) kept[key] = remaining; // a key with nothing left is not kept at all
      }
      if (Object.keys(kept).length > 0) resource["propertyDependencies"] = kept;
      else delete resource["propertyDependencies"];
    }

    const replaceWith = resource["replaceWith"];
    if (Array.isArray(replaceWith) && replaceWith.length > 0) setList(resource, "replaceWith", (replaceWith as string[]).filter((urn) => earlier.has(urn)));

    const deletedWith = resource["deletedWith"];
    if (typeof deletedWith === "string" && !earlier.has(deletedWith)) delete resource["deletedWith"];

    earlier.add(resource.urn);
  }

  // Parents: a parent that is not in the snapshot at all is cleared. (Pulumi walks up to the
  // parent's parent, but a parent absent from the list has no recorded parent, so that is "".)
  const present = earlier;
  const parentOf = new Map<string, string>();
  for (const resource of resources) {
    const parent = typeof resource.parent === "string" ? resource.parent : "";
    if (!present.has(parent)) {
      const grandparent = parentOf.get(parent) ?? "";
      if (grandparent === "") delete resource.parent;
      else resource.parent = grandparent;
    }
    parentOf.set(resource.urn, parent);
  }
}

function setList(resource: Resource, field: string, list: string[]): void {
  if (list.length > 0) resource[field] = list;
  else delete resource[field];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
