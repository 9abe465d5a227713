import { CairnError } from "../errors.js";
import { migrateDeploymentToV3, isObject } from "./migrate.js";
import { findSchemaViolation } from "./schema-validator.js";
import { CURRENT_DEPLOYMENT_VERSION, SUPPORTED_FEATURES, type Deployment, type UntypedDeployment } from "./types.js";

/** The newest deployment/checkpoint version cairn reads (Pulumi's `DeploymentSchemaVersionLatest`). */
export const LATEST_DEPLOYMENT_VERSION = 4;
/** The oldest one (Pulumi's `DeploymentSchemaVersionOldestSupported`). */
export const OLDEST_DEPLOYMENT_VERSION = 1;

/**
 * Validates a `stack import` document and returns it in the form cairn stores: version 1 and 2
 * deployments are migrated to version 3 (as Pulumi's CLI does before importing), version 3 and 4
 * are returned unchanged. Throws `InvalidArgument` naming the offending field by JSON path.
 */
export function validateDeployment(value: unknown): UntypedDeployment {
  const violation = findSchemaViolation(value);
  if (violation !== undefined) throw invalid(violation);
  // The schema guarantees an object with an integer version and an object deployment.
  const document = value as { version: number; features?: string[]; deployment: Record<string, unknown> };
  checkVersionAndFeatures(document.version, document.features, "");

  let normalized: UntypedDeployment;
  if (document.version === 1 || document.version === 2) {
    normalized = { version: CURRENT_DEPLOYMENT_VERSION, deployment: migrateDeploymentToV3(document.version, document.deployment) };
  } else {
    normalized = document;
  }
  if (normalized.version !== CURRENT_DEPLOYMENT_VERSION) {
    // Pulumi's schema checks a deployment's body only under version 3; a version 4 body has the
    // same shape (version 4 only adds `features`), so check it as version 3 too. Migrated v1/v2
    // bodies are checked the same way.
    const bodyViolation = findSchemaViolation({ version: CURRENT_DEPLOYMENT_VERSION, deployment: normalized.deployment });
    if (bodyViolation !== undefined) throw invalid(bodyViolation);
  } else if (normalized !== document) {
    const bodyViolation = findSchemaViolation(normalized);
    if (bodyViolation !== undefined) throw invalid(bodyViolation);
  }
  checkUniqueUrns(normalized.deployment as Deployment, "deployment");
  return normalized;
}

/**
 * Versions 1–4 are read; a newer one needs a newer cairn. A version 4 document must not require a
 * feature cairn does not implement (Pulumi refuses those as well), and only version 4 has features.
 * `prefix` is the JSON path of the object holding `version` and `features` (`""` at the top).
 */
export function checkVersionAndFeatures(version: number, features: unknown, prefix: string): void {
  const at = (field: string) => (prefix === "" ? field : `${prefix}.${field}`);
  if (!Number.isInteger(version) || version < OLDEST_DEPLOYMENT_VERSION) {
    throw invalid(`${at("version")}: ${version} is not a deployment version (versions ${OLDEST_DEPLOYMENT_VERSION}–${LATEST_DEPLOYMENT_VERSION} exist)`);
  }
  if (version > LATEST_DEPLOYMENT_VERSION) {
    throw new CairnError(
      "InvalidArgument",
      `${at("version")}: deployment version ${version} is newer than this cairn understands (it reads versions ${OLDEST_DEPLOYMENT_VERSION}–${LATEST_DEPLOYMENT_VERSION})`,
      { hint: "upgrade cairn, or export the state with the Pulumi version that wrote it using an older format" },
    );
  }
  if (features === undefined) return;
  if (!Array.isArray(features)) throw invalid(`${at("features")}: must be array`);
  if (version < LATEST_DEPLOYMENT_VERSION && features.length > 0) {
    throw invalid(`${at("features")}: only version ${LATEST_DEPLOYMENT_VERSION} deployments may list features (this one is version ${version})`);
  }
  features.forEach((feature, index) => {
    if (typeof feature !== "string" || !SUPPORTED_FEATURES.has(feature)) {
      throw new CairnError(
        "InvalidArgument",
        `${at("features")}[${index}]: the deployment requires feature ${JSON.stringify(feature)}, which this cairn does not support (supported: ${[...SUPPORTED_FEATURES].join(", ")})`,
        { hint: "upgrade cairn to a version that supports this feature" },
      );
    }
  });
}

/**
 * A URN names one live resource. It may repeat only for resources pending deletion (`delete: true`),
 * which Pulumi keeps beside their replacement.
 */
export function checkUniqueUrns(deployment: Deployment, prefix: string): void {
  const seen = new Map<string, number>();
  (deployment.resources ?? []).forEach((resource, index) => {
    if (!isObject(resource) || resource.delete === true) return;
    const first = seen.get(resource.urn);
    if (first !== undefined) {
      throw invalid(`${prefix}.resources[${index}].urn: duplicate URN ${JSON.stringify(resource.urn)} (also at ${prefix}.resources[${first}])`);
    }
    seen.set(resource.urn, index);
  });
}

function invalid(message: string): CairnError {
  return new CairnError("InvalidArgument", `invalid deployment: ${message}`, {
    hint: "fix the field named above in the exported file and import it again",
  });
}
