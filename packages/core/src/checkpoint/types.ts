/**
 * Pulumi's checkpoint and deployment shapes (`sdk/go/common/apitype`). Fields cairn does not
 * interpret are carried through untouched, so these types stay open (`[field: string]: unknown`).
 */

export interface Manifest {
  time: string;
  magic: string;
  version: string;
  plugins?: unknown[];
}

export interface SecretsProvider {
  type: string;
  state?: unknown;
}

export interface Resource {
  urn: string;
  custom?: boolean;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  provider?: string;
  protect?: boolean;
  [field: string]: unknown;
}

/** The body of a version 3/4 deployment. */
export interface Deployment {
  manifest: Manifest;
  secrets_providers?: SecretsProvider;
  resources?: Resource[];
  pending_operations?: unknown[];
  [field: string]: unknown;
}

/** What `stack export` prints and `stack import` reads. */
export interface UntypedDeployment {
  version: number;
  features?: string[];
  deployment: Deployment | Record<string, unknown>;
}

/** The inner checkpoint of a stack file (version 3/4). */
export interface Checkpoint {
  stack: string;
  config?: Record<string, unknown>;
  latest?: Deployment;
  [field: string]: unknown;
}

/** The file stored at `.pulumi/stacks/<project>/<stack>.json`. */
export interface VersionedCheckpoint {
  version: number;
  features?: string[];
  checkpoint: Checkpoint | Record<string, unknown>;
}

/**
 * The feature a stack file carries while a cairn journaled update is in flight (with the journal
 * mark): Pulumi refuses a checkpoint that lists a feature it does not know, so it can never act
 * on a stack file that lags its journal — not even after `pulumi cancel` removed a crashed
 * updater's lock. cairn strips it on read; it is never part of a deployment, and imports refuse it.
 */
export const CAIRN_JOURNAL_FEATURE = "cairn-journal";

/** The deployment version cairn writes unless a feature needs a newer one. */
export const CURRENT_DEPLOYMENT_VERSION = 3;
/**
 * Features a version 4 deployment may require: exactly the set Pulumi supports
 * (`supportedFeatures` in `pkg/resource/stack/deployment.go`). cairn only stores state, and the
 * fields these features add are carried through untouched, so it accepts what Pulumi accepts.
 */
export const SUPPORTED_FEATURES: ReadonlySet<string> = new Set([
  "refreshBeforeUpdate",
  "views",
  "hooks",
  "taint",
  "replaceWith",
  "snippets-prototype",
  "extensionParameterization",
  "byteString",
]);
