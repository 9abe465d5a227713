import { findFieldTypeViolation } from "./go-field-types.js";
import { isObject } from "./migrate.js";
import { findMalformedSecret } from "./secret-values.js";
import { UNKNOWN_PROVIDER_ID, isProviderType, isProviderUrn, isUrn, parseProviderReference } from "./urn.js";
import { invalidDeployment, joinPath, type PathSegment } from "./validation-error.js";

/**
 * Checks a deployment's `resources` in one pass, the rules of Pulumi's snapshot integrity check
 * (`Snapshot.VerifyIntegrity`, `pkg/resource/deploy/snapshot.go`) and no more: Pulumi refuses to
 * use a state that fails them, so cairn must not store one.
 * - every resource has a URN and a non-empty type; a provider resource's URN names a provider type;
 * - `parent`, `dependencies`, `propertyDependencies`, `deletedWith` and `replaceWith` name only
 *   resources earlier in the list (the list is topologically ordered); empty entries are ignored;
 * - `provider` is `<provider urn>::<id>` naming a provider resource earlier in the list, unless the
 *   resource is `pendingReplacement`;
 * - a URN repeats only for resources marked `delete: true` (at most one live resource per URN).
 * Also refused: fields of the wrong JSON type for Pulumi's Go structs, and malformed secrets in
 * `inputs`/`outputs`. `base` is the JSON path of the object holding `resources`.
 */
export function checkResources(resources: readonly unknown[], base: string): void {
  const at = (index: number, ...segments: PathSegment[]) => joinPath(base, "resources", index, ...segments);
  const seen = new Set<string>();
  const live = new Map<string, number>();
  const providers = new Map<string, Set<string>>();

  for (let index = 0; index < resources.length; index++) {
    const resource = resources[index];
    if (!isObject(resource)) throw invalidDeployment(at(index), "must be an object (a resource)", "remove the entry or replace it with the resource it stood for");
    checkShape(resource, (...segments) => at(index, ...segments));
    const urn = resource.urn as string;
    const type = resource.type as string;

    // Pulumi keys providers by (URN, id); a provider without an id is referenced by the unknown id.
    if (isProviderType(type)) {
      if (!isProviderUrn(urn)) throw invalidDeployment(at(index, "urn"), `a resource of provider type ${JSON.stringify(type)} must have a provider URN (its type part pulumi:providers:<package>), not ${JSON.stringify(urn)}`);
      const id = typeof resource.id === "string" && resource.id !== "" ? resource.id : UNKNOWN_PROVIDER_ID;
      const ids = providers.get(urn) ?? new Set<string>();
      ids.add(id);
      providers.set(urn, ids);
    }

    if (typeof resource.provider === "string" && resource.provider !== "") {
      const reference = parseProviderReference(resource.provider);
      if (reference === undefined) {
        throw invalidDeployment(at(index, "provider"), `${JSON.stringify(resource.provider)} is not a provider reference (<provider urn>::<provider id>, the URN of a pulumi:providers:<package> resource)`, "set it to the provider resource's URN and id joined by ::, or remove it");
      }
      // A resource waiting to be replaced may still name the provider it was created with.
      if (providers.get(reference.urn)?.has(reference.id) !== true && resource.pendingReplacement !== true) {
        const later = comesLater(resources, index, reference.urn);
        throw invalidDeployment(
          at(index, "provider"),
          later
            ? `names provider ${resource.provider}, which comes after this resource; Pulumi needs every resource after the ones it refers to`
            : `names provider ${resource.provider}, which is not among the resources before it (no provider resource with that URN and id)`,
          later ? "move the provider resource before the resources that use it" : "fix the reference to name a provider resource in the deployment, or remove it",
        );
      }
    }

    forEachReference(resource, (target, segments) => {
      if (seen.has(target)) return;
      const later = comesLater(resources, index, target);
      throw invalidDeployment(
        at(index, ...segments),
        later
          ? `names ${target}, which comes after this resource; Pulumi needs every resource after the ones it refers to`
          : `names ${target}, which is not a resource in this deployment`,
        later ? "move the named resource before this one (Pulumi writes resources in dependency order)" : "remove the reference, or add the resource it names before this one",
      );
    });

    // Pulumi keeps a replaced resource beside its replacement until it is deleted: only live
    // resources must be unique.
    if (resource.delete !== true) {
      const first = live.get(urn);
      if (first !== undefined) {
        throw invalidDeployment(at(index, "urn"), `duplicate URN ${JSON.stringify(urn)} (also at ${at(first)}); only resources marked "delete": true may repeat a URN`, "remove one of the two, or mark the one being replaced \"delete\": true");
      }
      live.set(urn, index);
    }
    seen.add(urn);
  }
}

/**
 * What every resource needs, in the list or in a pending operation: string `urn` that is a URN, a
 * non-empty string `type`, Go-typed fields, well-formed secrets.
 */
export function checkShape(resource: Record<string, unknown>, at: (...segments: PathSegment[]) => string): void {
  const { urn, type } = resource;
  if (typeof urn !== "string") throw invalidDeployment(at("urn"), urn === undefined ? "is required (a resource's URN)" : "must be string (a URN: urn:pulumi:<stack>::<project>::<type>::<name>)", "give the resource its URN, as `cairn stack export` or `pulumi stack export` prints it");
  if (!isUrn(urn)) throw invalidDeployment(at("urn"), `${JSON.stringify(urn)} is not a URN (urn:pulumi:<stack>::<project>::<type>::<name>)`, "give the resource its URN, as `cairn stack export` or `pulumi stack export` prints it");
  if (typeof type !== "string" || type === "") {
    throw invalidDeployment(at("type"), type === undefined ? "is required (the resource's type token)" : "must be string, a non-empty type token (e.g. aws:s3/bucket:Bucket)", "set it to the resource's type token, the <type> part of its URN");
  }
  const mistyped = findFieldTypeViolation(resource);
  if (mistyped !== undefined) throw invalidDeployment(at(...mistyped.segments), `must be ${mistyped.expected} (Pulumi could not read this state otherwise)`);
  for (const field of ["inputs", "outputs"] as const) {
    const secret = findMalformedSecret(resource[field]);
    if (secret !== undefined) {
      throw invalidDeployment(at(field, ...secret), "a secret must hold a string `ciphertext` (encrypted) or `plaintext`", "restore the secret's ciphertext from the exported state, or give its value as plaintext so import encrypts it");
    }
  }
}

/** Only asked once a reference has failed, to say whether reordering would fix it (as Pulumi does). */
function comesLater(resources: readonly unknown[], index: number, urn: string): boolean {
  for (let later = index + 1; later < resources.length; later++) {
    const other = resources[later];
    if (isObject(other) && other.urn === urn) return true;
  }
  return false;
}

/** Each non-empty URN a resource says must come before it, with its path below the resource. */
function forEachReference(resource: Record<string, unknown>, visit: (urn: string, segments: PathSegment[]) => void): void {
  const { parent, deletedWith } = resource;
  if (typeof parent === "string" && parent !== "") visit(parent, ["parent"]);
  eachUrn(resource.dependencies, ["dependencies"], visit);
  const propertyDependencies = resource.propertyDependencies;
  if (isObject(propertyDependencies)) {
    for (const key in propertyDependencies) eachUrn(propertyDependencies[key], ["propertyDependencies", key], visit);
  }
  if (typeof deletedWith === "string" && deletedWith !== "") visit(deletedWith, ["deletedWith"]);
  eachUrn(resource.replaceWith, ["replaceWith"], visit);
}

function eachUrn(list: unknown, segments: PathSegment[], visit: (urn: string, segments: PathSegment[]) => void): void {
  if (!Array.isArray(list)) return;
  for (let index = 0; index < list.length; index++) {
    const urn: unknown = list[index];
    if (typeof urn === "string" && urn !== "") visit(urn, [...segments, index]);
  }
}
