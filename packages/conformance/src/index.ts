export { ConformanceFailure, cairnErrorFrom } from "./assertions.js";
export type { RequiredCapability, StoreCheck } from "./check-types.js";
export * from "./store-checks-values.js";
export * from "./store-checks-conditional.js";
export * from "./store-checks-listing.js";
export * from "./store-checks-basics.js";
export { STORE_CHECKS, MISSING_CONTAINER_TITLE, STALLED_ENDPOINT_TITLE, describeStoreConformance, type StoreConformanceOptions } from "./store-suite.js";
export { checkAbortUnderWaySettlesCleanly, checkPreAbortedCallsChangeNothing } from "./store-checks-cancel.js";
export { checkAbortEndsStalledCalls, startStalledEndpoint, type StalledEndpoint } from "./store-checks-stalled.js";
export type { StoreFactoryOptions } from "./describe-store-checks.js";
export { checkMissingContainerFailsNotFound } from "./store-checks-missing.js";
export { CORE_OVER_STORE_CHECKS, describeCoreOverStoreConformance, type CoreOverStoreConformanceOptions } from "./core-over-store-suite.js";
export * from "./backend-checks.js";
export { checkRestoreVersionRecordsNewEntry } from "./backend-checks-restore.js";
export { BACKEND_CHECKS, TWO_INSTANCE_CHECKS, describeBackendConformance, type BackendCheck, type BackendConformanceOptions } from "./backend-suite.js";
export { sampleDeployment, SAMPLE_RESOURCE_COUNT } from "./sample-deployment.js";
export * from "./plugin-package.js";
export { checkLockRace, describeLockRaceConformance, lockRaceTitle, type LockRaceOptions } from "./lock-race.js";
export * from "./store-checks-leases.js";
export { INTEGRITY_STORE_CHECKS } from "./store-checks-integrity.js";
export * from "./store-checks-history-chain.js";
export * from "./store-checks-sessions.js";
export * from "./retried-writes.js";
export {
  PAUSED_WRITER_TITLE,
  PLUGIN_STORE_OPENER,
  checkPausedWriter,
  describePausedWriterConformance,
  type PausedWriterOptions,
  type PausedWriterStore,
  type PausedWriterTrial,
  type PausedWriterUnsupported,
} from "./paused-writer.js";
export type { PluginStoreArgs } from "./plugin-store-opener.js";
export type { ChildReport } from "./paused-writer-protocol.js";
