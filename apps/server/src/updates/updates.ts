import { randomBytes, randomUUID } from "node:crypto";
import { CairnError, restoreMessage, validateDeployment, type LockInfo, type StackLock, type UntypedDeployment } from "@cairn/core";
import { SUPPORTED_JOURNAL_VERSION, type JournalEntry } from "../journal/entries.js";
import { hashToken } from "../accounts/token-hash.js";
import { noteAudit } from "../audit/request-audit.js";
import type { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import { layoutRef, type OrgState, type StackId } from "../state/org-state.js";
import type { UpdateEvents } from "./events.js";
import type { UpdateJournal } from "./update-journal.js";
import { Leases, lockInfoOf, label, type LeaseRecord } from "./leases.js";

/** Pulumi's update kinds that can be created through `POST …/{stack}/{kind}`. */
export const UPDATE_KINDS = ["update", "preview", "destroy", "refresh", "import", "rename", "remove"] as const;

export type UpdateResult = "in-progress" | "succeeded" | "failed" | "cancelled";

export interface UpdateRecord {
  updateId: string;
  kind: string;
  user: string;
  hostname: string;
  pid: number;
  message: string;
  /** What the client reported of where it ran (`UpdateMetadata.environment`: git commit, CI, …). */
  environment?: Record<string, string>;
  status: "not-started" | "running" | UpdateResult;
  createdAt: string;
  version?: number;
  /** A preview's update token digest: previews hold no lease (they change nothing), so the token lives here. */
  tokenHash?: string;
  /** The journal version agreed at start; absent: the client sends whole checkpoints. */
  journalVersion?: number;
  /** The client's engine version, for the manifest of the snapshot its journal replays into. */
  engineVersion?: string;
}

/** What the client says about an update it creates. */
export interface UpdateRequest {
  user: string;
  hostname: string;
  pid: number;
  message: string;
  environment?: Record<string, string>;
}

/** Who asks for an import or a restore: the user, and the client's host and pid (for lock messages). */
export type Requester = Pick<UpdateRequest, "user" | "hostname" | "pid">;

/** Pulumi's `UpdateResults` statuses. */
export type PulumiUpdateStatus = "not started" | "running" | "failed" | "succeeded";

/** One entry of a stack's history (Pulumi's `UpdateInfo`, plus who ran it). */
export interface HistoryEntry {
  version: number;
  updateId: string;
  kind: string;
  user: string;
  message: string;
  startTime: number;
  endTime: number;
  result: "in-progress" | "succeeded" | "failed";
  environment?: Record<string, string>;
  resourceCount?: number;
  /** Counts by operation (`create`, `update`, `delete`, `same`, …) from the update's summary event. */
  resourceChanges?: Record<string, number>;
  /** The layout's history position (1 = oldest) of the last checkpoint written by this update. */
  layoutVersion?: number;
}

export interface StartedUpdate {
  version: number;
  token: string;
  /** Unix seconds, as Pulumi's `StartUpdateResponse.tokenExpiration`. */
  tokenExpiration: number;
  /** The journal version the client is to send (Pulumi's `StartUpdateResponse.journalVersion`); 0: none. */
  journalVersion?: number;
}

export interface StartOptions {
  /** Replaces the stack's tags when given (Pulumi's `StartUpdateRequest.tags`). */
  tags?: Record<string, string>;
  /** The newest journal version the client speaks (`StartUpdateRequest.journalVersion`); 0 or absent: none. */
  journalVersion?: number;
  /** The client's engine version (from its User-Agent), which a replayed snapshot's manifest names. */
  engineVersion?: string;
}

/**
 * The update lifecycle (Pulumi's): create an update, start it (take the stack's lease, assign the
 * next version, record an in-progress history entry), write checkpoints with the update token,
 * renew the lease, complete. Imports are a whole update in one call.
 */
export class Updates {
  readonly leases: Leases;

  constructor(
    private readonly records: JsonRecords,
    private readonly state: OrgState,
    private readonly leaseMs: number,
    readonly events: UpdateEvents,
    readonly journal: UpdateJournal,
  ) {
    this.leases = new Leases(records);
  }

  async create(id: StackId, kind: string, by: UpdateRequest): Promise<string> {
    await this.requireStack(id);
    const updateId = randomUUID();
    const record: UpdateRecord = { updateId, kind, ...by, status: "not-started", createdAt: new Date().toISOString() };
    await this.records.create(RECORD_KEYS.update(id.org, id.project, id.stack, updateId), record, `update ${updateId}`);
    return updateId;
  }

  async get(id: StackId, updateId: string): Promise<UpdateRecord> {
    const found = await this.records.get<UpdateRecord>(RECORD_KEYS.update(id.org, id.project, id.stack, updateId));
    if (found === undefined) throw new CairnError("NotFound", `update ${updateId} of ${label(id)} does not exist`);
    return found.value;
  }

  async start(id: StackId, updateId: string, user: string, options: StartOptions = {}): Promise<StartedUpdate> {
    const update = await this.get(id, updateId);
    if (update.user !== user) throw new CairnError("PermissionDenied", `update ${updateId} was created by another user`);
    if (update.status !== "not-started") throw new CairnError("Conflict", `update ${updateId} has already been started`);
    if (options.tags !== undefined) await this.replaceTags(id, options.tags);
    if (update.kind === "preview") return this.startPreview(id, update);
    // An update that died holding the lease (its lease expired) is ended first: its journal is
    // replayed into the stack, so nothing it had acknowledged is lost to the one taking over.
    const dead = await this.leases.held(id);
    if (dead !== undefined && dead.expiresAt <= Date.now()) await this.finish(id, dead, "failed", "other");
    const { token, lease } = await this.leases.acquire(id, update, () => this.nextVersion(id), this.leaseMs);
    const journalVersion = Math.min(options.journalVersion ?? 0, SUPPORTED_JOURNAL_VERSION);
    const entry: HistoryEntry = { version: lease.version, updateId, kind: update.kind, user, message: update.message, startTime: unixSeconds(), endTime: 0, result: "in-progress" };
    if (update.environment !== undefined) entry.environment = update.environment;
    await this.records.create<HistoryEntry>(RECORD_KEYS.historyEntry(id.org, id.project, id.stack, lease.version), entry, `version ${lease.version} of ${label(id)}`);
    await this.records.update<UpdateRecord>(RECORD_KEYS.update(id.org, id.project, id.stack, updateId), (current) =>
      current === undefined ? undefined : {
            ...current,
            status: "running",
            version: lease.version,
            ...(journalVersion > 0 ? { journalVersion } : {}),
            ...(options.engineVersion === undefined ? {} : { engineVersion: options.engineVersion }),
          },
    );
    return { version: lease.version, token, tokenExpiration: Math.floor(lease.expiresAt / 1000), journalVersion };
  }

  /** Stores a batch of the update's journal entries durably (`PATCH …/journalentries`). */
  async appendJournal(id: StackId, updateId: string, token: string, entries: JournalEntry[]): Promise<void> {
    const { preview, update } = await this.verifyToken(id, updateId, token);
    if (preview) throw new CairnError("InvalidArgument", "a preview does not write a journal");
    if (update.journalVersion === undefined) throw new CairnError("InvalidArgument", `update ${updateId} did not agree to journaling at start; it sends checkpoints`);
    await this.journal.append(id, updateId, entries);
  }

  /**
   * Replays the update's journal (if it kept one) onto the stack's checkpoint and writes the
   * result, then drops the journal: at completion, cancellation, or when a dead update is ended.
   * Idempotent: once written and dropped, a second call finds no journal.
   */
  /** Returns whether it wrote the stack file. */
  private async compactJournal(id: StackId, lease: LeaseRecord, status: UpdateResult): Promise<boolean> {
    if (!(await this.journal.has(id, lease.updateId))) return false;
    const backend = this.state.backendFor(id.org);
    const base = (await backend.getStack(layoutRef(id))) === undefined ? undefined : await backend.exportDeployment(layoutRef(id));
    const update = await this.records.get<UpdateRecord>(RECORD_KEYS.update(id.org, id.project, id.stack, lease.updateId));
    const engineVersion = update?.value.engineVersion;
    const { deployment } = await this.journal.replay(id, lease.updateId, base, status === "succeeded", engineVersion === undefined ? {} : { engineVersion });
    await this.leaseOn(id, lockInfoOf(lease)).save(validateDeployment(deployment), { kind: lease.kind });
    await this.journal.discard(id, lease.updateId);
    return true;
  }

  /** Rewrites the stack file as it is (a new version), fencing off writes based on the old one. */
  private async fenceStackFile(id: StackId, lease: LeaseRecord): Promise<void> {
    const backend = this.state.backendFor(id.org);
    if ((await backend.getStack(layoutRef(id))) === undefined) return;
    await this.leaseOn(id, lockInfoOf(lease)).save(await backend.exportDeployment(layoutRef(id)), { kind: "cancel" });
  }

  /**
   * The layout's handle on a stack this server holds by its own lease (`adoptLease`): the lease
   * is the lock, so a save takes no lock file of the layout's and is fenced by the stack-file
   * compare-and-swap (and, for a checkpoint, by `beforeWrite`'s lease check).
   */
  private leaseOn(id: StackId, holder: LockInfo): StackLock {
    const backend = this.state.backendFor(id.org);
    if (backend.adoptLease === undefined) throw new CairnError("Internal", "the state layout cannot save under the server's leases");
    return backend.adoptLease(layoutRef(id), holder);
  }

  /**
   * A preview changes nothing, so it takes no lease (an update may run beside it, as on Pulumi's
   * service) and gets no version of its own: it reports the stack's current version.
   */
  private async startPreview(id: StackId, update: UpdateRecord): Promise<StartedUpdate> {
    const token = randomBytes(24).toString("hex");
    const version = (await this.history(id, 1, 1))[0]?.version ?? 0;
    await this.records.update<UpdateRecord>(RECORD_KEYS.update(id.org, id.project, id.stack, update.updateId), (current) =>
      current === undefined ? undefined : { ...current, status: "running", version, tokenHash: hashToken(token) },
    );
    return { version, token, tokenExpiration: Math.floor((Date.now() + this.leaseMs) / 1000) };
  }

  /** Checks an update token: a preview's against its update record, anything else's against the stack's lease. */
  async verifyToken(id: StackId, updateId: string, token: string): Promise<{ kind: string; preview: boolean; update: UpdateRecord }> {
    // Both reads at once: this runs on every journal batch, checkpoint and events call.
    const [update, lease] = await Promise.all([this.get(id, updateId), this.leases.verify(id, updateId, token).catch((error: unknown) => error as Error)]);
    // The token proves the update, which the recorded `update.start` gave to its user, on this
    // stack: its calls belong in the stack's organization's log.
    const verified = () => noteAudit({ actor: update.user, credential: { kind: "update-token", updateId }, org: id.org });
    if (update.kind !== "preview") {
      if (lease instanceof Error) throw lease;
      verified();
      return { kind: lease.kind, preview: false, update };
    }
    if (update.status !== "running") throw new CairnError("Conflict", `preview ${updateId} is not running (it completed or was never started)`);
    if (update.tokenHash !== hashToken(token)) throw new CairnError("Unauthenticated", "the update token is not valid for this update");
    verified();
    return { kind: "preview", preview: true, update };
  }

  /** Pulumi's update status (`GET …/{kind}/{updateID}`): a finished update has no continuation token. */
  async status(id: StackId, updateId: string): Promise<{ status: PulumiUpdateStatus; events: unknown[]; continuationToken?: string }> {
    const update = await this.get(id, updateId);
    const status: PulumiUpdateStatus =
      update.status === "not-started" ? "not started" : update.status === "running" || update.status === "in-progress" ? "running" : update.status === "succeeded" ? "succeeded" : "failed";
    return status === "running" || status === "not started" ? { status, events: [], continuationToken: updateId } : { status, events: [] };
  }

  async replaceTags(id: StackId, tags: Record<string, string>): Promise<void> {
    const backend = this.state.backendFor(id.org);
    if (backend.updateStackTags === undefined) throw new CairnError("Internal", "the state layout does not keep stack tags");
    await backend.updateStackTags(layoutRef(id), () => ({ ...tags }));
  }

  async checkpoint(id: StackId, updateId: string, token: string, deployment: UntypedDeployment): Promise<void> {
    const verified = await this.verifyToken(id, updateId, token);
    if (verified.preview) throw new CairnError("InvalidArgument", "a preview does not write checkpoints");
    // Fenced: the lease is checked after the stack file is read and the write is conditional on
    // that read, while ending an update marks its lease, then changes the stack file. So a write
    // either lands before the end is acknowledged or not at all.
    await this.leaseOn(id, lockInfoOf({ ...verified.update, startedAt: verified.update.createdAt })).save(deployment, {
      kind: verified.kind,
      beforeWrite: async () => {
        await this.leases.verify(id, updateId, token);
      },
    });
  }

  async renew(id: StackId, updateId: string, token: string, durationMs: number): Promise<StartedUpdate> {
    const lease = await this.leases.renew(id, updateId, token, Math.min(durationMs, this.leaseMs * 4));
    return { version: lease.version, token, tokenExpiration: Math.floor(lease.expiresAt / 1000) };
  }

  async complete(id: StackId, updateId: string, token: string, status: UpdateResult): Promise<void> {
    if ((await this.verifyToken(id, updateId, token)).preview) {
      await this.records.update<UpdateRecord>(RECORD_KEYS.update(id.org, id.project, id.stack, updateId), (current) => {
        if (current === undefined) return undefined;
        const { tokenHash: _spent, ...rest } = current;
        return { ...rest, status };
      });
      return;
    }
    const lease = await this.leases.verify(id, updateId, token);
    await this.finish(id, lease, status);
  }

  /** Ends whatever update holds the stack (Pulumi's cancel), recording it as failed. Returns the holder. */
  async cancel(id: StackId): Promise<LeaseRecord | undefined> {
    const lease = await this.leases.held(id); // an expired one too: its journal is recovered all the same
    if (lease === undefined) return undefined;
    await this.finish(id, lease, "cancelled", "other");
    return lease;
  }

  /**
   * `import`: a whole update (lease, version, history) around one write; returns the update, which
   * clients poll. `message` is the history entry's (Pulumi's own import sends none: empty).
   */
  async importState(id: StackId, deployment: UntypedDeployment, by: Requester, options: { message?: string } = {}): Promise<{ updateId: string; version: number }> {
    const updateId = await this.create(id, "import", { ...by, message: options.message ?? "" });
    const started = await this.start(id, updateId, by.user);
    try {
      await this.checkpoint(id, updateId, started.token, deployment);
    } catch (error) {
      await this.complete(id, updateId, started.token, "failed").catch(() => {});
      throw error;
    }
    await this.complete(id, updateId, started.token, "succeeded");
    noteAudit({ target: { updateId }, details: { version: started.version } });
    return { updateId, version: started.version };
  }

  /**
   * Roll-forward restore (the console's "Restore" button; `cairn stack restore --version` through
   * the service backend does the same two calls over HTTP): version `version`'s deployment becomes
   * the stack's state as a new import update whose message is core's `restoreMessage` — one new
   * history entry, none removed or rewritten. `NotFound` (nothing written) when the version has no
   * checkpoint; `Locked` (nothing written) while an update holds the stack. Returns the new update
   * and the version it was recorded as.
   */
  async restoreVersion(id: StackId, version: number, by: Requester): Promise<{ updateId: string; version: number }> {
    if (!Number.isSafeInteger(version) || version < 1) throw new CairnError("InvalidArgument", `version ${String(version)} is not a whole number from 1 up`);
    const deployment = await this.exportVersion(id, version);
    return this.importState(id, deployment, by, { message: restoreMessage(version) });
  }

  /** History entries, newest first, `pageSize` per page (page 1 is the newest). */
  async history(id: StackId, page = 1, pageSize = 10): Promise<HistoryEntry[]> {
    const prefix = RECORD_KEYS.history(id.org, id.project, id.stack);
    const keys = (await this.records.keys(prefix)).sort().reverse().slice((page - 1) * pageSize, page * pageSize);
    const entries: HistoryEntry[] = [];
    for (const key of keys) {
      const found = await this.records.get<HistoryEntry>(key);
      if (found !== undefined) entries.push(found.value);
    }
    return entries;
  }

  async exportVersion(id: StackId, version: number): Promise<UntypedDeployment> {
    const entry = await this.records.get<HistoryEntry>(RECORD_KEYS.historyEntry(id.org, id.project, id.stack, version));
    if (entry?.value.layoutVersion === undefined) {
      throw new CairnError("NotFound", `${label(id)} has no version ${version} with a checkpoint`, { hint: "`cairn stack history` lists the versions" });
    }
    return this.state.backendFor(id.org).exportDeployment(layoutRef(id), { version: entry.value.layoutVersion });
  }

  /** Forgets a removed stack's records so a new stack of that name starts from version 1. */
  async forget(id: StackId): Promise<void> {
    for (const prefix of [RECORD_KEYS.history(id.org, id.project, id.stack), `server/updates/${id.org}/${id.project}/${id.stack}/`]) {
      for (const key of await this.records.keys(prefix)) await this.records.delete(key);
    }
    await this.records.delete(RECORD_KEYS.stackCounter(id.org, id.project, id.stack));
    await this.events.forgetStack(id);
    await this.journal.forgetStack(id);
  }

  /**
   * A renamed stack keeps its history and version counter, as on Pulumi's service: the records
   * are copied to the new name, then the old ones removed. (Engine events are not carried over:
   * they are sealed with the old name's data key.)
   */
  async rename(from: StackId, to: StackId): Promise<void> {
    const moves: Array<[string, string]> = [];
    for (const [fromPrefix, toPrefix] of [
      [RECORD_KEYS.history(from.org, from.project, from.stack), RECORD_KEYS.history(to.org, to.project, to.stack)],
      [`server/updates/${from.org}/${from.project}/${from.stack}/`, `server/updates/${to.org}/${to.project}/${to.stack}/`],
    ] as const) {
      for (const key of await this.records.keys(fromPrefix)) moves.push([key, toPrefix + key.slice(fromPrefix.length)]);
    }
    moves.push([RECORD_KEYS.stackCounter(from.org, from.project, from.stack), RECORD_KEYS.stackCounter(to.org, to.project, to.stack)]);
    for (const [source, target] of moves) {
      const found = await this.records.get<unknown>(source);
      if (found !== undefined) await this.records.update<unknown>(target, () => found.value);
    }
    await this.forget(from);
  }

  private async finish(id: StackId, lease: LeaseRecord, status: UpdateResult, by: "owner" | "other" = "owner"): Promise<void> {
    if (by === "other") await this.leases.markEnding(id, lease.updateId);
    const compacted = await this.compactJournal(id, lease, status);
    // Someone else ends it: change the stack file, so a write of the ending update that was already
    // past its lease check fails its compare-and-swap instead of landing after this returns.
    if (by === "other" && !compacted) await this.fenceStackFile(id, lease);
    const backend = this.state.backendFor(id.org);
    const ref = layoutRef(id);
    const latest = (await backend.listHistory(ref, { limit: 1 }))[0];
    const summary = await backend.getStack(ref);
    const resourceChanges = await this.events.resourceChanges(id, lease.updateId);
    await this.records.update<HistoryEntry>(RECORD_KEYS.historyEntry(id.org, id.project, id.stack, lease.version), (current) => {
      if (current === undefined) return undefined;
      const done: HistoryEntry = { ...current, endTime: unixSeconds(), result: status === "succeeded" ? "succeeded" : "failed" };
      if (summary?.resourceCount !== undefined) done.resourceCount = summary.resourceCount;
      if (resourceChanges !== undefined) done.resourceChanges = resourceChanges;
      if (latest?.version !== undefined) done.layoutVersion = latest.version;
      return done;
    });
    await this.records.update<UpdateRecord>(RECORD_KEYS.update(id.org, id.project, id.stack, lease.updateId), (current) =>
      current === undefined ? undefined : { ...current, status },
    );
    await this.leases.release(id, lease.updateId);
  }

  private async nextVersion(id: StackId): Promise<number> {
    const next = await this.records.update<{ last: number }>(RECORD_KEYS.stackCounter(id.org, id.project, id.stack), (current) => ({ last: (current?.last ?? 0) + 1 }));
    return (next as { last: number }).last;
  }

  private async requireStack(id: StackId): Promise<void> {
    if ((await this.state.backendFor(id.org).getStack(layoutRef(id))) === undefined) {
      throw new CairnError("NotFound", `stack ${label(id)} does not exist`, { hint: "create it with `cairn stack init`" });
    }
  }
}

export { lockInfoOf };

function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
