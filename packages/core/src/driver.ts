/**
 * `@cairn/core/driver`: what a storage backend author needs, apart from the embedder's API in
 * `@cairn/core`. A driver implements `StateStore` (the contract, member by member, is on the
 * interface in `store.ts`), reports failures as `CairnError`s with the right code and ambiguity,
 * retries through `withRetry`, and is packaged with `defineBackendPlugin`. Core lays Pulumi's
 * self-managed layout, locking and history over the store; a driver knows none of that.
 *
 * The errors are exported by `@cairn/core` too: every `StateBackend` call rejects with them, so
 * they are the embedder's vocabulary as much as the driver's.
 */
export * from "./errors.js";
export { findTransportMismatch, transportMismatchError, type TransportMismatch } from "./http/transport-errors.js";
export * from "./store.js";
export * from "./plugin.js";
export * from "./retry.js";
export * from "./store/key-prefix.js";
export * from "./store/url-parameters.js";
export * from "./credentials/redact-url.js";
export * from "./credentials/redact-token.js";
export * from "./time/clock.js";
export { canceledError, canceledTry, orCanceled, pause, throwIfCanceled } from "./time/cancel.js";
export { AnswerCutShortError, requestWholeAnswer, type WholeAnswer, type WholeAnswerOptions } from "./http/whole-answer.js";
export * from "./fs/atomic-write.js";
export * from "./fs/file-lock.js";
export * from "./fs/fs-errors.js";
export * from "./fs/make-directory.js";
export { ABANDONED_TEMP_AGE_MS, removeAbandonedTempFiles, removeTempFileIfAbandoned, tempFileOwner, type AbandonedTempOptions } from "./fs/temp-files.js";
export { codeForHttpStatus, type StatusExceptions } from "./http/status-codes.js";
export { requestNeverSent } from "./http/never-sent.js";
export { forwardingStore, type StoreOverrides } from "./store/forwarding-store.js";
export { serialQueue } from "./concurrency/serial-queue.js";
export { wrapStoreError } from "./store/wrap-store-error.js";
