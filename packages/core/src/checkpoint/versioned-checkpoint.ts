import { CairnError } from "../errors.js";
import { parseJsonOr } from "../json/parse-json.js";
import { emptyDeployment } from "./empty-deployment.js";
import { migrateCheckpointToV3, isObject } from "./migrate.js";
import { checkUniqueUrns, checkVersionAndFeatures } from "./validate.js";
import { CAIRN_JOURNAL_FEATURE, CURRENT_DEPLOYMENT_VERSION, type Checkpoint, type Deployment, type UntypedDeployment, type VersionedCheckpoint } from "./types.js";

/**
 * Reads a stack file (`{"version", "features"?, "checkpoint"}`) and returns it as version 3 (or 4,
 * which keeps its features), the way Pulumi's `UnmarshalVersionedCheckpointToLatestCheckpoint`
 * does: version 0 means a file from before versioning, read whole as a version 1 checkpoint
 * (Pulumi also writes version 0 for a new, empty stack); versions 1 and 2 are migrated; versions
 * newer than 4 and unsupported features are refused.
 */
export function parseVersionedCheckpoint(bytes: Uint8Array | string, source = "checkpoint"): VersionedCheckpoint & { checkpoint: Checkpoint } {
  // A stack file holds secrets (ciphertext, or plaintext from --show-secrets): no snippet of it in the error.
  const document = parseJsonOr(typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes), (problem) => {
    throw new CairnError("InvalidArgument", `${source} is not valid JSON: ${problem}`);
  });
  if (!isObject(document)) throw new CairnError("InvalidArgument", `${source} is not a JSON object`);
  const rawVersion = document.version ?? 0;
  if (typeof rawVersion !== "number") throw new CairnError("InvalidArgument", `${source}: version: must be integer`);
  let version: number = rawVersion;
  let file = document;
  if (Array.isArray(document.features) && document.features.includes(CAIRN_JOURNAL_FEATURE)) {
    // cairn's own in-flight marker (see CAIRN_JOURNAL_FEATURE): read as if it were absent.
    const others = (document.features as unknown[]).filter((feature) => feature !== CAIRN_JOURNAL_FEATURE);
    const { features: _marker, ...rest } = document;
    file = (others.length > 0 ? { ...rest, features: others } : rest) as typeof document;
    if (others.length === 0 && version === 4) version = CURRENT_DEPLOYMENT_VERSION;
  }
  if (version === 0) return { version: CURRENT_DEPLOYMENT_VERSION, checkpoint: migrateCheckpointToV3(1, file) };

  try {
    checkVersionAndFeatures(version, file.features, "");
  } catch (error) {
    throw new CairnError("InvalidArgument", `${source}: ${(error as Error).message}`, { cause: error, hint: (error as CairnError).hint });
  }
  const inner = file.checkpoint;
  if (!isObject(inner)) throw new CairnError("InvalidArgument", `${source}: checkpoint: must be object`);
  if (version === 1 || version === 2) {
    return { version: CURRENT_DEPLOYMENT_VERSION, checkpoint: migrateCheckpointToV3(version, inner) };
  }
  const checkpoint = inner as Checkpoint;
  // Go reads `"latest": null` as no deployment yet, like a missing one.
  if (isObject(checkpoint.latest)) checkUniqueUrns(checkpoint.latest, `${source}: checkpoint.latest`);
  const features = file.features as string[] | undefined;
  return features === undefined ? { version, checkpoint } : { version, features, checkpoint };
}

/**
 * The stack file for a deployment, with fields in the order of Pulumi's Go structs
 * (`VersionedCheckpoint`: version, features, checkpoint; `CheckpointV3`: stack, config, latest).
 */
export function buildVersionedCheckpoint(
  stack: string,
  deployment: UntypedDeployment | undefined,
  config?: Record<string, unknown>,
): VersionedCheckpoint & { checkpoint: Checkpoint } {
  const checkpoint: Checkpoint = { stack };
  if (config !== undefined && Object.keys(config).length > 0) checkpoint.config = config;
  // Pulumi writes a new stack (no deployment yet) as version 0 with no `latest`.
  if (deployment === undefined) return { version: 0, checkpoint };
  checkpoint.latest = deployment.deployment as Deployment;
  const features = deployment.features;
  return features !== undefined && features.length > 0
    ? { version: deployment.version, features, checkpoint }
    : { version: deployment.version, checkpoint };
}

/** What `stack export` returns for a stack file: its deployment at the version it was stored with. */
export function deploymentOf(file: VersionedCheckpoint & { checkpoint: Checkpoint }): UntypedDeployment {
  const deployment = file.checkpoint.latest ?? emptyDeployment();
  const version = file.version === 0 ? CURRENT_DEPLOYMENT_VERSION : file.version;
  return file.features !== undefined && file.features.length > 0
    ? { version, features: file.features, deployment }
    : { version, deployment };
}

export { emptyDeployment } from "./empty-deployment.js";
