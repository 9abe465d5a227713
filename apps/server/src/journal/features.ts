import type { Resource } from "@cairn/core";

/**
 * The deployment features a resource in a replayed snapshot needs (Pulumi's `stack.ApplyFeatures`):
 * a snapshot that needs any is written as deployment version 4 listing them, so an older CLI
 * refuses it instead of dropping what it does not understand. `byteString` cannot be seen in a
 * serialized resource (the bytes may sit inside a secret), so the journal entry reports it and
 * the caller passes it in.
 */
export function addResourceFeatures(resource: Resource, requiresByteString: boolean, features: Set<string>): void {
  if (requiresByteString) features.add("byteString");
  if (resource["refreshBeforeUpdate"] === true) features.add("refreshBeforeUpdate");
  if (nonEmptyString(resource["viewOf"])) features.add("views");
  if (nonEmpty(resource["resourceHooks"])) features.add("hooks");
  if (resource["taint"] === true) features.add("taint");
  if (nonEmpty(resource["replaceWith"])) features.add("replaceWith");
  if (nonEmptyString(resource["extensionRef"])) features.add("extensionParameterization");
  if (nonEmptyString(resource["snippetID"])) features.add("snippets-prototype");
}

/** Deployment schema versions: 3 unless a feature needs 4. */
export const DEPLOYMENT_VERSION_CURRENT = 3;
export const DEPLOYMENT_VERSION_WITH_FEATURES = 4;

function nonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

function nonEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return typeof value === "object" && value !== null && Object.keys(value).length > 0;
}
