import { CairnError, type Deployment, type Resource, type SecretsProvider } from "@cairn/core";

/**
 * The journal entries the Pulumi CLI sends instead of full checkpoints when the service answers
 * `journalVersion` at update start (`PATCH …/journalentries`, body `{"entries": [...]}`; Pulumi's
 * `apitype.JournalEntry`). Not to be confused with @cairn/core's `JournalEntry`, cairn's own
 * step journal for store backends: this is Pulumi's wire format, replayed by `./replay.ts`.
 */

/** Entry kinds by name, with Pulumi's numbers. */
export const JOURNAL_ENTRY_KIND = {
  begin: 0,
  success: 1,
  failure: 2,
  refreshSuccess: 3,
  outputs: 4,
  write: 5,
  secretsManager: 6,
  rebuiltBaseState: 7,
  extensionParameterize: 8,
  snippets: 9,
  stateMigration: 10,
} as const;

export type JournalEntryKindName = keyof typeof JOURNAL_ENTRY_KIND;
export type JournalEntryKind = (typeof JOURNAL_ENTRY_KIND)[JournalEntryKindName];

const KIND_NAMES = new Map<number, JournalEntryKindName>(Object.entries(JOURNAL_ENTRY_KIND).map(([name, kind]) => [kind, name as JournalEntryKindName]));

/** The name of a kind number (for messages), or undefined when Pulumi defines no such kind. */
export function journalEntryKindName(kind: number): JournalEntryKindName | undefined {
  return KIND_NAMES.get(kind);
}

/**
 * The journal version cairn-server replays and advertises in the start-update response. Version 2
 * only adds state-migration entries (kind 10), and Pulumi's replay of those re-validates the whole
 * prospective snapshot (its snapshot integrity check, URN and provider-reference rules) and refuses
 * the migration on any failure; reproducing every one of those refusals exactly is a larger piece
 * of work than the migration itself, and a near-copy would accept journals Pulumi refuses. A CLI
 * told version 1 never emits kind 10 (it runs the update without state-migration support, and a
 * program that registers migrations fails with "state migrations are not supported by this
 * deployment"), so advertising 1 keeps every journal we receive one we replay exactly.
 */
export const SUPPORTED_JOURNAL_VERSION = 1;

/** An operation the engine began and has not finished (Pulumi's `OperationV2`). */
export interface JournalOperation {
  resource: Resource;
  /** "creating", "updating", "deleting", "reading", "importing". */
  type: string;
  [field: string]: unknown;
}

export interface JournalEntry {
  version: number;
  kind: JournalEntryKind;
  /** Unique, increasing per update: the order replay applies entries in. */
  sequenceID: number;
  /** The engine operation this entry belongs to (0 for update-wide entries). */
  operationID: number;
  /** Index of a base-deployment resource this entry removes (or replaces, for refresh/outputs). */
  removeOld?: number | null;
  /** Operation ID of a resource produced earlier in this update that this entry removes (or replaces). */
  removeNew?: number | null;
  pendingReplacementOld?: number | null;
  pendingReplacementNew?: number | null;
  deleteOld?: number | null;
  deleteNew?: number | null;
  state?: Resource;
  operation?: JournalOperation;
  isRefresh?: boolean;
  secretsProvider?: SecretsProvider;
  snippets?: Record<string, unknown>[];
  newSnapshot?: Deployment;
  extensionRef?: string;
  extension?: Record<string, unknown>;
  requiresByteString?: boolean;
  /** Fields a newer CLI may add are kept, so a retried entry compares equal to its first delivery. */
  [field: string]: unknown;
}

const INDEX_FIELDS = ["removeOld", "removeNew", "pendingReplacementOld", "pendingReplacementNew", "deleteOld", "deleteNew"] as const;

/**
 * Checks a `journalentries` request body and returns its entries (the same objects, typed). Every
 * refusal names the entry by index (and sequence ID once known) and the field. An absent or empty
 * `entries` is an empty batch (Pulumi omits an empty list).
 */
export function parseJournalEntries(body: unknown): JournalEntry[] {
  if (!isObject(body)) throw invalid(`a journal entries body must be a JSON object with an "entries" array, got ${describe(body)}`);
  const entries = body["entries"];
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) throw invalid(`"entries" must be an array of journal entries, got ${describe(entries)}`);
  return entries.map((entry, index) => parseJournalEntry(entry, `entries[${index}]`));
}

/** Checks one entry; `where` names it in messages (e.g. `entries[3]`). */
export function parseJournalEntry(value: unknown, where = "journal entry"): JournalEntry {
  if (!isObject(value)) throw invalid(`${where} must be an object, got ${describe(value)}`);
  const sequenceID = value["sequenceID"];
  if (!isInteger(sequenceID) || sequenceID < 1) throw invalid(`${where}.sequenceID must be a positive integer, got ${describe(sequenceID)}`);
  const at = `${where} (sequenceID ${sequenceID})`;

  const version = value["version"];
  if (!isInteger(version) || version < 1) throw invalid(`${at}.version must be a positive integer, got ${describe(version)}`);
  if (version > SUPPORTED_JOURNAL_VERSION) {
    throw invalid(`${at} has journal version ${version}, but cairn-server replays version ${SUPPORTED_JOURNAL_VERSION} only`, {
      hint: `cairn-server answers journalVersion ${SUPPORTED_JOURNAL_VERSION} when an update starts; a client sending a newer version did not honour it — set PULUMI_DISABLE_JOURNALING=true to send full checkpoints instead`,
    });
  }

  const kind = value["kind"];
  if (!isInteger(kind)) throw invalid(`${at}.kind must be an integer, got ${describe(kind)}`);
  const name = journalEntryKindName(kind);
  if (name === undefined) throw invalid(`${at}.kind ${kind} is not a journal entry kind cairn-server knows (0–${JOURNAL_ENTRY_KIND.stateMigration})`);
  if (kind === JOURNAL_ENTRY_KIND.stateMigration) {
    throw invalid(`${at} is a state-migration entry (kind 10), which needs journal version 2; cairn-server replays version ${SUPPORTED_JOURNAL_VERSION}`);
  }

  const operationID = value["operationID"] ?? 0; // Go decodes an absent field as 0
  if (!isInteger(operationID) || operationID < 0) throw invalid(`${at}.operationID must be a non-negative integer, got ${describe(operationID)}`);
  for (const field of INDEX_FIELDS) {
    const index = value[field];
    if (index !== undefined && index !== null && !(isInteger(index) && index >= 0)) throw invalid(`${at}.${field} must be a non-negative integer or null, got ${describe(index)}`);
  }
  for (const field of ["isRefresh", "requiresByteString"] as const) {
    if (value[field] !== undefined && typeof value[field] !== "boolean") throw invalid(`${at}.${field} must be a boolean, got ${describe(value[field])}`);
  }
  if (value["state"] !== undefined && value["state"] !== null) checkResource(value["state"], `${at}.state`);
  if (value["operation"] !== undefined && value["operation"] !== null) checkOperation(value["operation"], `${at}.operation`);
  if (value["secretsProvider"] !== undefined && value["secretsProvider"] !== null) checkSecretsProvider(value["secretsProvider"], `${at}.secretsProvider`);
  if (value["snippets"] !== undefined && value["snippets"] !== null) checkObjects(value["snippets"], `${at}.snippets`);
  if (value["newSnapshot"] !== undefined && value["newSnapshot"] !== null) checkDeployment(value["newSnapshot"], `${at}.newSnapshot`);

  // Kinds whose payload replay cannot do without (Pulumi's replay would dereference nil).
  if (kind === JOURNAL_ENTRY_KIND.write && !isObject(value["newSnapshot"])) throw invalid(`${at} is a write entry without a newSnapshot`);
  if (kind === JOURNAL_ENTRY_KIND.secretsManager && !isObject(value["secretsProvider"])) throw invalid(`${at} is a secrets-manager entry without a secretsProvider`);
  if (kind === JOURNAL_ENTRY_KIND.extensionParameterize) {
    if (typeof value["extensionRef"] !== "string") throw invalid(`${at}.extensionRef must be a string in an extension-parameterize entry, got ${describe(value["extensionRef"])}`);
    if (!isObject(value["extension"])) throw invalid(`${at}.extension must be an object in an extension-parameterize entry, got ${describe(value["extension"])}`);
  }
  return value as JournalEntry;
}

function checkResource(value: unknown, where: string): void {
  if (!isObject(value)) throw invalid(`${where} must be a resource object, got ${describe(value)}`);
  if (typeof value["urn"] !== "string") throw invalid(`${where}.urn must be a string, got ${describe(value["urn"])}`);
  if (typeof value["type"] !== "string") throw invalid(`${where}.type must be a string, got ${describe(value["type"])}`);
}

function checkOperation(value: unknown, where: string): void {
  if (!isObject(value)) throw invalid(`${where} must be an operation object, got ${describe(value)}`);
  checkResource(value["resource"], `${where}.resource`);
  if (typeof value["type"] !== "string") throw invalid(`${where}.type must be a string, got ${describe(value["type"])}`);
}

function checkSecretsProvider(value: unknown, where: string): void {
  if (!isObject(value) || typeof value["type"] !== "string") throw invalid(`${where} must be an object with a string type, got ${describe(value)}`);
}

function checkObjects(value: unknown, where: string): void {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array, got ${describe(value)}`);
  value.forEach((item, index) => {
    if (!isObject(item)) throw invalid(`${where}[${index}] must be an object, got ${describe(item)}`);
  });
}

function checkDeployment(value: unknown, where: string): void {
  if (!isObject(value)) throw invalid(`${where} must be a deployment object, got ${describe(value)}`);
  const resources = value["resources"];
  if (resources !== undefined && resources !== null) {
    if (!Array.isArray(resources)) throw invalid(`${where}.resources must be an array, got ${describe(resources)}`);
    resources.forEach((resource, index) => checkResource(resource, `${where}.resources[${index}]`));
  }
  const pending = value["pending_operations"];
  if (pending !== undefined && pending !== null) {
    if (!Array.isArray(pending)) throw invalid(`${where}.pending_operations must be an array, got ${describe(pending)}`);
    pending.forEach((operation, index) => checkOperation(operation, `${where}.pending_operations[${index}]`));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/** A short description of an unexpected value: objects only by their kind (they may hold ciphertext), scalars cut off. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "an object";
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

function invalid(message: string, options: { hint?: string } = {}): CairnError {
  return new CairnError("InvalidArgument", message, options);
}
