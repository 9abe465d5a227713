import { createHash } from "node:crypto";
import { CairnError, type Deployment, type Resource, type UntypedDeployment } from "@cairn/core";
import { JOURNAL_ENTRY_KIND, journalEntryKindName, type JournalEntry, type JournalOperation } from "./entries.js";
import { addResourceFeatures, DEPLOYMENT_VERSION_CURRENT, DEPLOYMENT_VERSION_WITH_FEATURES } from "./features.js";
import { rebuildDependencies } from "./rebuild-dependencies.js";
import { normalizeUrnReferences } from "./urn-references.js";

/** A deployment body as replay holds it: the base may be empty (a stack's first update). */
export type DeploymentBody = Partial<Deployment> & Record<string, unknown>;

export interface ReplayOptions {
  /**
   * The engine version the snapshot's manifest names (and its magic cookie hashes). Pulumi's
   * replay stamps its own CLI version; the server should pass the updating CLI's version (from
   * its User-Agent). Default "": an empty version with an empty magic, which Pulumi accepts.
   */
  engineVersion?: string;
  /** The manifest's time. Default: the wall clock. */
  now?: () => Date;
}

/**
 * Replay's state while applying entries strictly in sequence order: the same bookkeeping as
 * Pulumi's `backend.JournalReplayer`. Resources the update produced are listed in the order they
 * were produced, ahead of the base deployment's resources that remain; base resources are
 * addressed by index, resources produced in this update by the operation that produced them.
 * Every `add` checks before it changes anything, so an entry that is refused leaves the state
 * as it was.
 */
export class ReplayState {
  private base: DeploymentBody;
  /** Operation IDs whose produced resource is dropped. */
  private toRemove = new Set<number>();
  /** Base indices dropped. */
  private toDeleteInSnapshot = new Set<number>();
  /** Base indices whose resource is replaced by a refreshed or re-output state. */
  private toReplaceInSnapshot = new Map<number, Resource>();
  /** Base indices marked `delete: true` (the old half of a create-before-delete replace). */
  private markAsDeletion = new Set<number>();
  /** Base indices marked `pendingReplacement: true` (the old half of a delete-before-replace). */
  private markAsPendingReplacement = new Set<number>();
  /** Operation ID → position in `newResources`. */
  private operationIndex = new Map<number, number>();
  /** Begun, not yet finished, in the order they began. */
  private incompleteOps = new Map<number, JournalEntry>();
  private newResources: Resource[] = [];
  private extensions = new Map<string, unknown>();
  // Neither is reset by a rebuilt base state, as in Pulumi.
  private hasRefresh = false;
  private requiresByteString = false;

  constructor(
    base: DeploymentBody,
    private readonly options: ReplayOptions,
  ) {
    this.base = structuredClone(base);
  }

  add(entry: JournalEntry): void {
    switch (entry.kind) {
      case JOURNAL_ENTRY_KIND.begin:
        this.incompleteOps.set(entry.operationID, entry);
        break;
      case JOURNAL_ENTRY_KIND.success:
        this.success(entry);
        break;
      case JOURNAL_ENTRY_KIND.refreshSuccess:
        this.refreshSuccess(entry);
        break;
      case JOURNAL_ENTRY_KIND.failure:
        // The operation is no longer pending; whatever it produced is not recorded.
        this.incompleteOps.delete(entry.operationID);
        break;
      case JOURNAL_ENTRY_KIND.outputs:
        this.outputs(entry);
        break;
      case JOURNAL_ENTRY_KIND.write:
        // A rebased base deployment (e.g. after default providers were upgraded). The engine sends
        // it before anything that addresses base resources by index, so nothing is reset.
        this.base = structuredClone(entry.newSnapshot ?? {}) as DeploymentBody;
        break;
      case JOURNAL_ENTRY_KIND.secretsManager:
        // Pulumi keeps the base's provider when type and state are equal; the JSON is the same either way.
        this.base["secrets_providers"] = structuredClone(entry.secretsProvider);
        break;
      case JOURNAL_ENTRY_KIND.snippets:
        // The complete list: an entry without snippets clears them.
        if (entry.snippets !== undefined && entry.snippets !== null) this.base["snippets"] = structuredClone(entry.snippets);
        else delete this.base["snippets"];
        break;
      case JOURNAL_ENTRY_KIND.rebuiltBaseState:
        this.rebuiltBaseState();
        break;
      case JOURNAL_ENTRY_KIND.extensionParameterize:
        this.extensions.set(entry.extensionRef as string, structuredClone(entry.extension));
        break;
      default:
        throw refused(entry, `kind ${entry.kind} (${journalEntryKindName(entry.kind) ?? "unknown"}) cannot be replayed by cairn-server`);
    }
    if (entry.requiresByteString === true) this.requiresByteString = true;
  }

  /**
   * The deployment as of the entries added so far: Pulumi's `GenerateDeployment`. Shares no
   * objects with this state.
   */
  generate(): UntypedDeployment {
    const features = new Set<string>();
    const removed = new Set<number>();
    for (const operationID of this.toRemove) removed.add(this.operationIndex.get(operationID) as number);

    const resources: Resource[] = [];
    this.newResources.forEach((resource, index) => {
      if (!removed.has(index)) resources.push(resource);
    });
    this.baseResources().forEach((resource, index) => {
      if (this.toDeleteInSnapshot.has(index)) return;
      let kept = this.markAsPendingReplacement.has(index) ? { ...resource, pendingReplacement: true } : resource;
      const replacement = this.toReplaceInSnapshot.get(index);
      if (replacement !== undefined) {
        // A refreshed (or re-output) state replaces the base resource outright, marks and all.
        resources.push(replacement);
        return;
      }
      if (this.markAsDeletion.has(index)) kept = { ...kept, delete: true };
      resources.push(kept);
    });
    for (const resource of resources) addResourceFeatures(resource, this.requiresByteString, features);

    const operations: JournalOperation[] = [];
    for (const begun of this.incompleteOps.values()) if (begun.operation !== undefined && begun.operation !== null) operations.push(begun.operation);
    // A create the base recorded as pending stays pending until the user resolves it; the base's
    // other pending operations are superseded by this update.
    for (const pending of this.basePendingOperations()) if (pending.type === "creating") operations.push(pending);
    for (const operation of operations) addResourceFeatures(operation.resource, this.requiresByteString, features);

    const version = this.options.engineVersion ?? "";
    const deployment: DeploymentBody = {
      manifest: { time: (this.options.now ?? (() => new Date()))().toISOString(), magic: version === "" ? "" : createHash("sha256").update(version).digest("hex"), version },
    };
    if (this.base["secrets_providers"] !== undefined && this.base["secrets_providers"] !== null) deployment["secrets_providers"] = this.base["secrets_providers"];
    if (resources.length > 0) deployment["resources"] = resources;
    if (operations.length > 0) deployment["pending_operations"] = operations;
    deployment["metadata"] = this.base["metadata"] ?? {};
    const snippets = this.base["snippets"];
    if (Array.isArray(snippets) && snippets.length > 0) {
      deployment["snippets"] = snippets;
      features.add("snippets-prototype");
    }
    // The base's extensions win over ones this update parameterized under the same ref.
    const extensions = new Map(this.extensions);
    for (const [ref, extension] of Object.entries(isRecord(this.base["extensions"]) ? this.base["extensions"] : {})) extensions.set(ref, extension);
    if (extensions.size > 0) deployment["extensions"] = Object.fromEntries([...extensions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

    // From here on the deployment is a private copy: the passes below edit it in place.
    const result = structuredClone(deployment) as Deployment;
    if (this.hasRefresh) rebuildDependencies((result.resources ?? []) as Resource[]);
    normalizeUrnReferences(result);
    const sorted = [...features].sort();
    return sorted.length > 0 ? { version: DEPLOYMENT_VERSION_WITH_FEATURES, features: sorted, deployment: result } : { version: DEPLOYMENT_VERSION_CURRENT, deployment: result };
  }

  private success(entry: JournalEntry): void {
    // An entry may address the resource it produces itself (Pulumi records it first).
    const ownIndex = entry.state !== undefined && entry.state !== null ? this.newResources.length : undefined;
    const newIndex = (field: keyof JournalEntry): number | undefined => {
      const operationID = entry[field] as number | null | undefined;
      if (operationID === undefined || operationID === null) return undefined;
      if (operationID === entry.operationID && ownIndex !== undefined) return ownIndex;
      return this.resolveOperation(entry, field, operationID);
    };
    const deleteNew = newIndex("deleteNew");
    const pendingReplacementNew = newIndex("pendingReplacementNew");
    newIndex("removeNew"); // checked now, resolved when the snapshot is generated
    for (const field of ["removeOld", "deleteOld", "pendingReplacementOld"] as const) this.checkBaseIndex(entry, field);

    this.incompleteOps.delete(entry.operationID);
    if (ownIndex !== undefined) {
      this.newResources.push({ ...(entry.state as Resource) });
      this.operationIndex.set(entry.operationID, ownIndex);
    }
    if (isIndex(entry.removeOld)) this.toDeleteInSnapshot.add(entry.removeOld);
    if (isIndex(entry.removeNew)) this.toRemove.add(entry.removeNew);
    if (isIndex(entry.deleteOld)) this.markAsDeletion.add(entry.deleteOld);
    if (deleteNew !== undefined) this.newResources[deleteNew] = { ...(this.newResources[deleteNew] as Resource), delete: true };
    if (isIndex(entry.pendingReplacementOld)) this.markAsPendingReplacement.add(entry.pendingReplacementOld);
    if (pendingReplacementNew !== undefined) this.newResources[pendingReplacementNew] = { ...(this.newResources[pendingReplacementNew] as Resource), pendingReplacement: true };
    if (entry.isRefresh === true) this.hasRefresh = true;
  }

  /**
   * An in-place refresh: the refreshed state takes the old one's place (keeping the order), or,
   * when the resource no longer exists, the old one is dropped.
   */
  private refreshSuccess(entry: JournalEntry): void {
    this.checkBaseIndex(entry, "removeOld");
    const newIndex = isIndex(entry.removeNew) ? this.resolveOperation(entry, "removeNew", entry.removeNew) : undefined;
    const state = entry.state ?? undefined;

    this.incompleteOps.delete(entry.operationID);
    this.hasRefresh = true;
    if (isIndex(entry.removeOld)) {
      if (state === undefined) this.toDeleteInSnapshot.add(entry.removeOld);
      else this.toReplaceInSnapshot.set(entry.removeOld, state);
    }
    if (isIndex(entry.removeNew) && newIndex !== undefined) {
      if (state === undefined) this.toRemove.add(entry.removeNew);
      else this.newResources[newIndex] = { ...state };
    }
  }

  /** Outputs registered after the step that produced the resource: its state is replaced in place. */
  private outputs(entry: JournalEntry): void {
    const state = entry.state ?? undefined;
    if (state === undefined) return;
    this.checkBaseIndex(entry, "removeOld");
    const newIndex = isIndex(entry.removeNew) ? this.resolveOperation(entry, "removeNew", entry.removeNew) : undefined;
    if (isIndex(entry.removeOld)) this.toReplaceInSnapshot.set(entry.removeOld, state);
    if (newIndex !== undefined) this.newResources[newIndex] = { ...state };
  }

  /**
   * The snapshot so far becomes the new base (after a refresh rebuilt the engine's base state),
   * and all bookkeeping starts over; operations still pending are recorded in that base.
   */
  private rebuiltBaseState(): void {
    this.base = this.generate().deployment as DeploymentBody;
    this.toRemove = new Set();
    this.toDeleteInSnapshot = new Set();
    this.toReplaceInSnapshot = new Map();
    this.markAsDeletion = new Set();
    this.markAsPendingReplacement = new Set();
    this.operationIndex = new Map();
    this.incompleteOps = new Map();
    this.newResources = [];
    this.extensions = new Map();
  }

  private resolveOperation(entry: JournalEntry, field: keyof JournalEntry, operationID: number): number {
    const index = this.operationIndex.get(operationID);
    if (index === undefined) {
      // Pulumi's replay would silently address the first new resource here; refuse instead.
      throw refused(entry, `${String(field)} refers to operation ${operationID}, which has produced no resource in this journal`);
    }
    return index;
  }

  private checkBaseIndex(entry: JournalEntry, field: "removeOld" | "deleteOld" | "pendingReplacementOld"): void {
    const index = entry[field];
    const count = this.baseResources().length;
    if (isIndex(index) && index >= count) {
      throw refused(entry, `${field} refers to base resource ${index}, but the base deployment has ${count} resources`, {
        hint: "the journal was recorded against a different base deployment than the stack's checkpoint when the update started",
      });
    }
  }

  private baseResources(): Resource[] {
    return Array.isArray(this.base.resources) ? this.base.resources : [];
  }

  private basePendingOperations(): JournalOperation[] {
    const pending = this.base["pending_operations"];
    return Array.isArray(pending) ? (pending as JournalOperation[]) : [];
  }
}

function isIndex(value: number | null | undefined): value is number {
  return typeof value === "number";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function refused(entry: JournalEntry, message: string, options: { hint?: string } = {}): CairnError {
  const name = journalEntryKindName(entry.kind) ?? String(entry.kind);
  return new CairnError("InvalidArgument", `cannot replay journal entry ${entry.sequenceID} (${name}, operation ${entry.operationID}): ${message}`, options);
}
