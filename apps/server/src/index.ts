export { startServer, type RunningServer, type ServerOptions } from "./server.js";
export { parseMasterKey, readMasterKeyFile, type MasterKey, type MasterKeyRing } from "./state/master-key.js";
export { openDataStore } from "./data-store.js";
export { jsonLogger, silentLogger, type Logger } from "./log.js";
export { runServerCli } from "./main.js";
export type { AuditCredential, AuditDetails, AuditEvent, AuditScope, AuditTarget } from "./audit/event.js";
