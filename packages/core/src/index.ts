/**
 * `@cairn/core`: the embedder's API — backends (`createStoreBackend`, `openBackend`, the plugin
 * registry), `StateBackend` and its types, stack references, credentials, workspace, secrets,
 * checkpoints, migration. What a storage driver author needs is in `@cairn/core/driver`; the
 * errors are in both (every `StateBackend` call rejects with a `CairnError`).
 */
export * from "./errors.js";
export * from "./backend.js";
export * from "./stack-ref.js";
export * from "./checkpoint/types.js";
export * from "./credentials/pulumi-home.js";
export * from "./credentials/credentials-file.js";
export * from "./credentials/credentials-store.js";
export * from "./credentials/pulumi-config.js";
export * from "./workspace/project.js";
export * from "./workspace/selected-stack.js";
export * from "./workspace/backend-url.js";
export * from "./plugins/builtin-backends.js";
export * from "./plugins/plugin-registry.js";
export * from "./plugins/open-backend.js";
export * from "./plugins/core-compat.js";
export * from "./plugins/shared-core.js";
export * from "./plugins/plugin-package.js";
export { runningCore, type RunningCore } from "./plugins/running-core.js";
export * from "./checkpoint/json-format.js";
export * from "./checkpoint/validate.js";
export { MAX_JSON_DEPTH } from "./checkpoint/json-limits.js";
export * from "./checkpoint/versioned-checkpoint.js";
export { createStoreBackend } from "./layout/store-backend.js";
export { processLockCount, releaseProcessLocks } from "./layout/locks/process-locks.js";
export { BrokenStackError, isBrokenStackError } from "./layout/files/broken-stack.js";
export type { BrokenStack, PreconditionProbe, PruneOptions, PruneReport, UpgradeOptions, UpgradeReport, UpgradedStack } from "./backend-reports.js";
export type { StoreBackendOptions } from "./layout/settings.js";
export { CAIRN_LOCK_FILE } from "./layout/locks/locks.js";
export { mapLimit } from "./concurrency/map-limit.js";
export { validateStackTags } from "./layout/files/stack-tags.js";
export { LATEST_META_VERSION } from "./layout/files/meta.js";
export * from "./secrets/index.js";
export { isProcessAlive } from "./process/process-alive.js";
export { currentProcessIdentity, processState, processStartTime, type ProcessIdentity, type ProcessState } from "./process/process-identity.js";
export * from "./migration/index.js";
export * from "./restore-version.js";
export type { BackendLogger, RenewalTimer } from "./layout/settings.js";
export { intervalTimer } from "./layout/settings.js";
export { DEFAULT_LEASE_MS } from "./layout/settings.js";
export * from "./integrity/history-chain.js";
export * from "./integrity/verify-chain.js";
export * from "./integrity/history-archive.js";
export { probeConditionalWrites } from "./layout/precondition-probe.js";
export * from "./settings/unsafe-stores.js";
export { JournaledDeployment } from "./layout/journal/journal-replay.js";
export type { CompactionSettings } from "./layout/settings.js";
export { countingStore, type StoreTraffic } from "./store/counting-store.js";
export * from "./json/parse-json.js";

// checkpoint URNs (one parser, shared by core, the CLI and the server)
export { formatUrn, isProviderUrn, UNKNOWN_PROVIDER_ID, urnParts, type UrnParts } from "./checkpoint/urn.js";
