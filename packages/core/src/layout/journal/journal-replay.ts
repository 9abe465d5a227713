import type { JournalEntry, JournalPendingOperation, JournalResource } from "../../backend.js";
import type { Deployment, UntypedDeployment } from "../../checkpoint/types.js";
import { CairnError } from "../../errors.js";

/**
 * A deployment being rebuilt from journal entries (`JournalEntry`), one step at a time. Shared by
 * every backend that journals: the store session applies each step as it is acknowledged, a reader
 * replays a crashed update's entries onto the last compacted checkpoint, and the service session
 * turns steps into the full checkpoints its protocol takes. Steps are idempotent by key, but replay
 * applies each exactly once anyway (sequence numbers say which are already in the checkpoint).
 */
export class JournaledDeployment {
  private readonly deployment: Deployment;
  private readonly version: number;
  private readonly features: string[] | undefined;
  /** `<delete flag>|<urn>` → position in `resources`; rebuilt after a removal shifts positions. */
  private positions: Map<string, number> | undefined;

  constructor(start: UntypedDeployment) {
    // A private copy: the caller's object (often the last checkpoint read) stays as it was.
    this.deployment = structuredClone(start.deployment) as Deployment;
    this.version = start.version;
    this.features = start.features;
  }

  apply(entry: JournalEntry): void {
    switch (entry.op) {
      case "upsert":
        this.upsert(entry.resource);
        this.settle(entry.resource.urn);
        return;
      case "delete":
        this.remove(entry.urn, entry.pendingDeletion === true);
        this.settle(entry.urn);
        return;
      case "pending":
        this.addPending(entry.operation);
        return;
      case "settle":
        this.settle(entry.urn);
        return;
      case "deployment":
        for (const [field, value] of Object.entries(entry.fields)) {
          if (field === "resources" || field === "pending_operations") throw invalid(`a "deployment" entry cannot set ${field}; journal the steps instead`);
          this.deployment[field] = value;
        }
        return;
      default:
        throw invalid(`unknown journal op ${JSON.stringify((entry as { op?: unknown }).op)}`);
    }
  }

  /** The deployment as it stands (a snapshot the caller may keep). */
  snapshot(): UntypedDeployment {
    const deployment = structuredClone(this.deployment);
    return this.features !== undefined && this.features.length > 0 ? { version: this.version, features: [...this.features], deployment } : { version: this.version, deployment };
  }

  /** The live deployment, for writing out without another copy. Do not mutate. */
  current(): UntypedDeployment {
    return this.features !== undefined && this.features.length > 0 ? { version: this.version, features: this.features, deployment: this.deployment } : { version: this.version, deployment: this.deployment };
  }

  private resources(): JournalResource[] {
    this.deployment.resources ??= [];
    return this.deployment.resources as JournalResource[];
  }

  private index(): Map<string, number> {
    if (this.positions === undefined) {
      this.positions = new Map();
      this.resources().forEach((resource, position) => this.positions!.set(keyOf(resource.urn, resource.delete === true), position));
    }
    return this.positions;
  }

  private upsert(resource: JournalResource): void {
    if (typeof resource?.urn !== "string" || typeof resource.type !== "string") throw invalid("an upsert needs a resource with a string urn and type");
    const key = keyOf(resource.urn, resource.delete === true);
    const position = this.index().get(key);
    const resources = this.resources();
    if (position === undefined) {
      this.index().set(key, resources.length);
      resources.push(resource);
    } else {
      resources[position] = resource;
    }
  }

  private remove(urn: string, pendingDeletion: boolean): void {
    const position = this.index().get(keyOf(urn, pendingDeletion));
    if (position === undefined) return; // already gone: deleting is idempotent
    this.resources().splice(position, 1);
    this.positions = undefined;
  }

  private addPending(operation: JournalPendingOperation): void {
    if (typeof operation?.resource?.urn !== "string" || typeof operation.type !== "string") throw invalid("a pending entry needs an operation with a type and a resource urn");
    const pending = (this.deployment.pending_operations ??= []) as JournalPendingOperation[];
    pending.push(operation);
  }

  private settle(urn: string): void {
    const pending = this.deployment.pending_operations as JournalPendingOperation[] | undefined;
    if (pending === undefined) return;
    const kept = pending.filter((operation) => operation.resource?.urn !== urn);
    if (kept.length === pending.length) return;
    if (kept.length === 0) delete this.deployment.pending_operations;
    else this.deployment.pending_operations = kept;
  }
}

function keyOf(urn: string, pendingDeletion: boolean): string {
  return `${pendingDeletion ? 1 : 0}|${urn}`;
}

function invalid(message: string): CairnError {
  return new CairnError("InvalidArgument", `invalid journal entry: ${message}`, { hint: "see JournalEntry in @cairn/core for the entries a session accepts" });
}
