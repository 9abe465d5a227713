import type { Checkpoint, Deployment, Manifest } from "./types.js";

/**
 * Reading version 1 and 2 state as version 3, the way Pulumi does
 * (`pkg/resource/stack/migrate/{checkpoint,deployment,resource,operation}.go`). Fields are written
 * in the Go structs' order and Go's `omitempty` rules are applied, so a migrated document formats
 * exactly as Pulumi would write it. Fields the old structs do not have (a v1 resource's
 * `defaults`, a v1 checkpoint's `target`, a v1 deployment's `time`) are dropped, as Go's decoder
 * drops them.
 */

type JsonObject = Record<string, unknown>;

/** What Go's zero `time.Time` marshals to: a v1 deployment without a manifest gets this one. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

export function migrateCheckpointToV3(version: 1 | 2, checkpoint: JsonObject): Checkpoint {
  const migrated: Checkpoint = { stack: typeof checkpoint.stack === "string" ? checkpoint.stack : "" };
  if (isNonEmptyObject(checkpoint.config)) migrated.config = { ...checkpoint.config };
  if (isObject(checkpoint.latest)) migrated.latest = migrateDeploymentToV3(version, checkpoint.latest);
  return migrated;
}

export function migrateDeploymentToV3(version: 1 | 2, deployment: JsonObject): Deployment {
  const migrated: Deployment = { manifest: migrateManifest(deployment.manifest) };
  const resources = asObjects(deployment.resources).map((resource) => resourceV3(version === 1 ? resourceV2(resource) : resource));
  if (resources.length > 0) migrated.resources = resources as Deployment["resources"];
  // Version 1 deployments had no pending operations.
  const operations = version === 2 ? asObjects(deployment.pending_operations) : [];
  if (operations.length > 0) {
    migrated.pending_operations = operations.map((operation) => ({
      resource: resourceV3(isObject(operation.resource) ? operation.resource : {}),
      type: operation.type,
    }));
  }
  return migrated;
}

function migrateManifest(manifest: unknown): Manifest {
  const source = isObject(manifest) ? manifest : {};
  const migrated: Manifest = {
    time: typeof source.time === "string" ? source.time : ZERO_TIME,
    magic: typeof source.magic === "string" ? source.magic : "",
    version: typeof source.version === "string" ? source.version : "",
  };
  if (Array.isArray(source.plugins) && source.plugins.length > 0) migrated.plugins = source.plugins;
  return migrated;
}

/** `UpToResourceV2`: drops `defaults`; `external` and `provider` did not exist yet. */
function resourceV2(v1: JsonObject): JsonObject {
  return omitEmpty({
    urn: v1.urn,
    custom: v1.custom === true,
    delete: v1.delete,
    id: v1.id,
    type: v1.type,
    inputs: isObject(v1.inputs) ? { ...v1.inputs } : {},
    outputs: isObject(v1.outputs) ? { ...v1.outputs } : {},
    parent: v1.parent,
    protect: v1.protect,
    dependencies: v1.dependencies,
    initErrors: v1.initErrors,
  });
}

/**
 * `UpToResourceV3`: every input property depends on all of the resource's dependencies (Go writes
 * a nil dependency list as `null`).
 */
function resourceV3(v2: JsonObject): JsonObject {
  const dependencies = Array.isArray(v2.dependencies) && v2.dependencies.length > 0 ? v2.dependencies : null;
  const inputs = isObject(v2.inputs) ? v2.inputs : {};
  const propertyDependencies = Object.fromEntries(Object.keys(inputs).map((key) => [key, dependencies]));
  return omitEmpty({
    urn: v2.urn,
    custom: v2.custom === true,
    delete: v2.delete,
    id: v2.id,
    type: v2.type,
    inputs: v2.inputs,
    outputs: v2.outputs,
    parent: v2.parent,
    protect: v2.protect,
    external: v2.external,
    dependencies: v2.dependencies,
    initErrors: v2.initErrors,
    provider: v2.provider,
    propertyDependencies,
  });
}

/** Go's `omitempty`, except for `urn`, `custom` and `type`, which the structs always write. */
function omitEmpty(fields: JsonObject): JsonObject {
  const always = new Set(["urn", "custom", "type"]);
  return Object.fromEntries(
    Object.entries(fields).filter(([key, value]) => {
      if (always.has(key)) return true;
      if (value === undefined || value === null || value === false || value === "" || value === 0) return false;
      if (Array.isArray(value)) return value.length > 0;
      if (isObject(value)) return Object.keys(value).length > 0;
      return true;
    }),
  );
}

function asObjects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyObject(value: unknown): value is JsonObject {
  return isObject(value) && Object.keys(value).length > 0;
}
