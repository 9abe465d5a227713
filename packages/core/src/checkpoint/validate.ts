import { CairnError } from "../errors.js";
import { checkDeploymentBody } from "./deployment-body.js";
import { migrateDeploymentToV3, isObject } from "./migrate.js";
import { invalidDeployment, joinPath } from "./validation-error.js";
import { emptyDeployment } from "./empty-deployment.js";
import { checkJsonValues } from "./json-limits.js";
import { CURRENT_DEPLOYMENT_VERSION, SUPPORTED_FEATURES, type Deployment, type UntypedDeployment } from "./types.js";

/** The newest deployment/checkpoint version cairn reads (Pulumi's `DeploymentSchemaVersionLatest`). */
export const LATEST_DEPLOYMENT_VERSION = 4;
/** The oldest one (Pulumi's `DeploymentSchemaVersionOldestSupported`). */
export const OLDEST_DEPLOYMENT_VERSION = 1;

/**
 * Validates a `stack import` document (or a deployment an update saves) and returns it in the
 * form cairn stores. Pulumi never checks imports against its `deployments.json` schema, so this is
 * not that schema: it refuses what would break cairn or stop Pulumi reading the state, and accepts
 * everything else, unknown fields included (they are stored untouched, so a newer Pulumi's state
 * survives a round trip through cairn).
 * - Versions 3 and 4 are returned as the same object: no copy, however large the state.
 * - Versions 1 and 2 are migrated to version 3, as Pulumi's CLI does before importing.
 * - `"deployment": null` is how Pulumi exports a stack that was never updated; Go reads it as an
 *   empty deployment, and cairn stores it as the empty deployment its own export shows.
 * - Numbers JSON could not hold (`1e999999`, read as Infinity) and nesting deeper than
 *   `MAX_JSON_DEPTH` are refused first, anywhere in the document: every later walk relies on it.
 * Throws `InvalidArgument` naming the offending value by JSON path, before anything is written.
 */
export function validateDeployment(value: unknown): UntypedDeployment {
  checkJsonValues(value);
  if (!isObject(value)) throw invalidDeployment("", "must be a JSON object with `version` and `deployment`", "import the file `cairn stack export` or `pulumi stack export` wrote");
  const { version, features, deployment } = value;
  if (version === undefined) throw invalidDeployment("version", "is required (the deployment format, 1–4)", "import the file `cairn stack export` or `pulumi stack export` wrote, which has one");
  if (typeof version !== "number") throw invalidDeployment("version", "must be integer", "set it to the deployment format version (1–4)");
  checkVersionAndFeatures(version, features, "");

  if (deployment === null) return { ...value, version, deployment: emptyDeployment() } as UntypedDeployment;
  if (!isObject(deployment)) {
    throw invalidDeployment("deployment", deployment === undefined ? "is required (use null for an empty stack)" : "must be an object (or null for an empty stack)", "import the file `cairn stack export` or `pulumi stack export` wrote");
  }
  // Old versions are checked as written, so paths point into the user's file; their resources
  // keep their order through migration, so nothing needs checking again afterwards.
  checkDeploymentBody(deployment, "deployment");
  if (version === 1 || version === 2) return { version: CURRENT_DEPLOYMENT_VERSION, deployment: migrateDeploymentToV3(version, deployment) };
  return value as unknown as UntypedDeployment;
}

/**
 * Versions 1–4 are read; a newer one needs a newer cairn. A version 4 document must not require a
 * feature Pulumi does not implement (Pulumi refuses those as well), and only version 4 has features.
 * `prefix` is the JSON path of the object holding `version` and `features` (`""` at the top).
 */
export function checkVersionAndFeatures(version: number, features: unknown, prefix: string): void {
  if (!Number.isInteger(version) || version < OLDEST_DEPLOYMENT_VERSION) {
    throw invalidDeployment(joinPath(prefix, "version"), `${version} is not a deployment version (versions ${OLDEST_DEPLOYMENT_VERSION}–${LATEST_DEPLOYMENT_VERSION} exist)`, "set it to the deployment format version (1–4)");
  }
  if (version > LATEST_DEPLOYMENT_VERSION) {
    throw new CairnError(
      "InvalidArgument",
      `${joinPath(prefix, "version")}: deployment version ${version} is newer than this cairn understands (it reads versions ${OLDEST_DEPLOYMENT_VERSION}–${LATEST_DEPLOYMENT_VERSION})`,
      { hint: "upgrade cairn, or export the state with the Pulumi version that wrote it using an older format" },
    );
  }
  if (features === undefined || features === null) return;
  if (!Array.isArray(features)) throw invalidDeployment(joinPath(prefix, "features"), "must be an array of feature names", "list the features as strings, or remove `features`");
  if (version < LATEST_DEPLOYMENT_VERSION && features.length > 0) {
    throw invalidDeployment(joinPath(prefix, "features"), `only version ${LATEST_DEPLOYMENT_VERSION} deployments may list features (this one is version ${version})`, `set version to ${LATEST_DEPLOYMENT_VERSION}, or remove \`features\``);
  }
  features.forEach((feature, index) => {
    if (typeof feature !== "string" || !SUPPORTED_FEATURES.has(feature)) {
      throw new CairnError(
        "InvalidArgument",
        `${joinPath(prefix, "features", index)}: the deployment requires feature ${JSON.stringify(feature)}, which this cairn does not support (supported: ${[...SUPPORTED_FEATURES].join(", ")})`,
        { hint: "upgrade cairn to a version that supports this feature" },
      );
    }
  });
}

/**
 * A URN names one live resource. It may repeat only for resources pending deletion (`delete: true`),
 * which Pulumi keeps beside their replacement. (The light check for stack files being read; a
 * deployment being stored gets the whole of `validateDeployment`.)
 */
export function checkUniqueUrns(deployment: Deployment, prefix: string): void {
  const seen = new Map<string, number>();
  (deployment.resources ?? []).forEach((resource, index) => {
    if (!isObject(resource) || resource.delete === true) return;
    const first = seen.get(resource.urn);
    if (first !== undefined) {
      throw invalidDeployment(`${prefix}.resources[${index}].urn`, `duplicate URN ${JSON.stringify(resource.urn)} (also at ${prefix}.resources[${first}]); only resources marked "delete": true may repeat a URN`, "remove one of the two, or mark the one being replaced \"delete\": true");
    }
    seen.set(resource.urn, index);
  });
}
