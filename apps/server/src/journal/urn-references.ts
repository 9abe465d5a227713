import { CairnError, formatUrn, isProviderUrn, UNKNOWN_PROVIDER_ID, urnParts, type Deployment, type Resource, type UrnParts } from "@cairn/core";

/**
 * Pulumi rewrites every URN reference in a snapshot it writes to the resource's current URN
 * (`DeploymentV3.NormalizeURNReferences`): a resource registered with aliases may still be
 * referenced by an old URN from resources not yet updated in this deployment, and a child whose
 * parent was renamed gets the new qualified type. Aliases themselves are then dropped. Journal
 * replay does the same to the snapshot it produces; this module is that rule, in place.
 */

const DELIMITER = "::";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** Mutates `deployment` (the caller's private copy). */
export function normalizeUrnReferences(deployment: Deployment): void {
  const resources = (deployment.resources ?? []) as Resource[];
  const renamed = new Map<string, string>();
  for (const resource of resources) {
    for (const alias of asStrings(resource["aliases"])) {
      const other = renamed.get(alias);
      if (other !== undefined && other !== resource.urn) throw invalid(`two resources ('${other}' and '${resource.urn}') have the same alias: '${alias}'`);
      renamed.set(alias, resource.urn);
    }
    const parent = renamed.get(resource.parent ?? "");
    if (parent !== undefined && parent !== "" && qualifiedType(parent) !== ROOT_STACK_TYPE) {
      const urn = components(resource.urn);
      renamed.set(resource.urn, formatUrn({ ...urn, qualifiedType: `${qualifiedType(parent)}$${urn.type}` }));
    }
  }

  const fix = (urn: string): string => renamed.get(urn) ?? urn;
  const fixField = (resource: Resource, field: string): void => {
    const value = resource[field];
    if (typeof value !== "string") return;
    const fixed = fix(value);
    if (fixed === "") delete resource[field];
    else resource[field] = fixed;
  };
  for (const resource of resources) {
    resource.urn = fix(resource.urn);
    fixField(resource, "parent");
    if (typeof resource.provider === "string" && resource.provider !== "") resource.provider = fixProvider(resource.provider, fix);
    if (Array.isArray(resource.dependencies)) resource.dependencies = resource.dependencies.map(fix);
    const propertyDependencies = resource["propertyDependencies"];
    if (isRecord(propertyDependencies)) {
      for (const [key, deps] of Object.entries(propertyDependencies)) if (Array.isArray(deps)) propertyDependencies[key] = deps.map(fix);
    }
    fixField(resource, "deletedWith");
    fixField(resource, "viewOf");
    if (Array.isArray(resource["aliases"]) && resource["aliases"].length > 0) delete resource["aliases"];
  }

  for (const snippet of Array.isArray(deployment["snippets"]) ? (deployment["snippets"] as unknown[]) : []) {
    const references = isRecord(snippet) ? snippet["references"] : undefined;
    if (!isRecord(references)) continue;
    for (const [key, urn] of Object.entries(references)) if (typeof urn === "string") references[key] = fix(urn);
  }
}

/** A provider reference is `<provider urn>::<id>`; Pulumi rebuilds it, giving an empty id the unknown id. */
function fixProvider(reference: string, fix: (urn: string) => string): string {
  const split = reference.lastIndexOf(DELIMITER);
  if (split === -1) throw invalid(`malformed provider reference '${reference}': expected '::' between the provider URN and id`);
  const urn = fix(reference.slice(0, split));
  if (!isProviderUrn(urn)) throw invalid(`malformed provider reference '${reference}': '${urn}' is not a provider URN`);
  const id = reference.slice(split + DELIMITER.length);
  return `${urn}${DELIMITER}${id === "" ? UNKNOWN_PROVIDER_ID : id}`;
}

/** Core's URN parts; a string without the URN prefix cannot be normalized. */
function components(urn: string): UrnParts {
  const parts = urnParts(urn);
  if (parts === undefined) throw invalid(`'${urn}' is not a URN (it does not start with 'urn:pulumi:')`);
  return parts;
}

function qualifiedType(urn: string): string {
  return components(urn).qualifiedType;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(message: string): CairnError {
  return new CairnError("InvalidArgument", `cannot normalize the replayed snapshot's URN references: ${message}`);
}
