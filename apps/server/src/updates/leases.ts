import { randomBytes } from "node:crypto";
import { CairnError, LockedError, isCairnError, type LockInfo } from "@cairn/core";
import { hashToken } from "../accounts/token-hash.js";
import type { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import type { StackId } from "../state/org-state.js";

/** Who runs an update, as the client described itself (shown to whoever is locked out). */
export interface LeaseHolder {
  updateId: string;
  kind: string;
  user: string;
  hostname: string;
  pid: number;
}

export interface LeaseRecord extends LeaseHolder {
  version: number;
  /** Set when someone else is ending the update (cancel, takeover): its token no longer writes. */
  ending?: boolean;
  startedAt: string;
  /** Unix milliseconds. */
  expiresAt: number;
  tokenHash: string;
}

/**
 * The lock on a stack while an update runs: one lease record per stack, created with a
 * conditional create (exactly one update wins, on any server instance), holding the digest of the
 * update token that checkpoint calls must present. A lease that expired (its client died) can be
 * taken over with compare-and-swap.
 */
export class Leases {
  constructor(private readonly records: JsonRecords) {}

  async acquire(id: StackId, holder: LeaseHolder, version: () => Promise<number>, durationMs: number): Promise<{ token: string; lease: LeaseRecord }> {
    const key = leaseKey(id);
    const token = randomBytes(24).toString("hex");
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.records.get<LeaseRecord>(key);
      if (current !== undefined && current.value.expiresAt > Date.now()) throw lockedBy(id, current.value);
      const lease: LeaseRecord = { ...holder, version: 0, startedAt: new Date().toISOString(), expiresAt: Date.now() + durationMs, tokenHash: hashToken(token) };
      try {
        if (current === undefined) await this.records.create(key, lease, "lease");
        else await this.records.replace(key, lease, current.version);
      } catch (error) {
        if (isCairnError(error, "AlreadyExists") || isCairnError(error, "Conflict")) continue; // someone else won; look again
        throw error;
      }
      lease.version = await version();
      await this.records.update<LeaseRecord>(key, (stored) => (stored?.updateId === holder.updateId ? { ...stored, version: lease.version } : undefined));
      return { token, lease };
    }
    const holderNow = await this.records.get<LeaseRecord>(key);
    if (holderNow !== undefined) throw lockedBy(id, holderNow.value);
    throw new CairnError("Unavailable", "could not take the stack's lease: too much contention", { retryable: true });
  }

  /** The live lease of `updateId` if `token` is its update token; otherwise why not. */
  async verify(id: StackId, updateId: string, token: string): Promise<LeaseRecord> {
    const found = await this.records.get<LeaseRecord>(leaseKey(id));
    if (found === undefined || found.value.updateId !== updateId) {
      throw new CairnError("Conflict", `update ${updateId} does not hold the lease on ${label(id)} (it completed, was cancelled, or expired and was taken over)`);
    }
    if (found.value.tokenHash !== hashToken(token)) throw new CairnError("Unauthenticated", "the update token is not valid for this update");
    if (found.value.ending === true) throw new CairnError("Conflict", `update ${updateId} on ${label(id)} is being cancelled`);
    if (found.value.expiresAt <= Date.now()) {
      throw new CairnError("Conflict", `the lease of update ${updateId} on ${label(id)} expired`, { hint: "renew the lease more often than its duration" });
    }
    return found.value;
  }

  async renew(id: StackId, updateId: string, token: string, durationMs: number): Promise<LeaseRecord> {
    await this.verify(id, updateId, token);
    const renewed = await this.records.update<LeaseRecord>(leaseKey(id), (current) =>
      current?.updateId === updateId ? { ...current, expiresAt: Date.now() + durationMs } : undefined,
    );
    if (renewed?.updateId !== updateId) throw new CairnError("Conflict", `update ${updateId} lost its lease on ${label(id)}`);
    return renewed;
  }

  /** Ends `updateId`'s lease if it still holds it. */
  async release(id: StackId, updateId: string): Promise<void> {
    const found = await this.records.get<LeaseRecord>(leaseKey(id));
    if (found?.value.updateId === updateId) await this.records.delete(leaseKey(id), found.version).catch(() => {});
  }

  /** The live lease, if any. */
  async current(id: StackId): Promise<LeaseRecord | undefined> {
    const found = await this.records.get<LeaseRecord>(leaseKey(id));
    return found !== undefined && found.value.expiresAt > Date.now() ? found.value : undefined;
  }

  /**
   * Marks `updateId`'s lease as ending, so from now on its token is refused (`verify`), before
   * whoever ends it changes the stack file and removes the lease.
   */
  async markEnding(id: StackId, updateId: string): Promise<void> {
    await this.records.update<LeaseRecord>(leaseKey(id), (current) => (current?.updateId === updateId && current.ending !== true ? { ...current, ending: true } : undefined));
  }

  /** The lease record whether or not it expired (a dead update's lease, until someone ends it). */
  async held(id: StackId): Promise<LeaseRecord | undefined> {
    return (await this.records.get<LeaseRecord>(leaseKey(id)))?.value;
  }

  /** Removes the lease whoever holds it (cancel); returns the holder. */
  async breakLease(id: StackId): Promise<LeaseRecord | undefined> {
    const found = await this.records.get<LeaseRecord>(leaseKey(id));
    if (found === undefined) return undefined;
    await this.records.delete(leaseKey(id), found.version);
    return found.value;
  }

  async refuseIfLeased(id: StackId): Promise<void> {
    const lease = await this.current(id);
    if (lease !== undefined) throw lockedBy(id, lease);
  }
}

export function lockInfoOf(lease: LeaseHolder & { startedAt: string }): LockInfo {
  return { pid: lease.pid, username: lease.user, hostname: lease.hostname, timestamp: lease.startedAt, operation: lease.kind, key: lease.updateId };
}

function lockedBy(id: StackId, lease: LeaseRecord): LockedError {
  return new LockedError(label(id), lockInfoOf(lease), {
    hint: "wait for that update to finish; if it died, its lease expires, or run `cairn stack unlock --force`",
  });
}

function leaseKey(id: StackId): string {
  return RECORD_KEYS.lease(id.org, id.project, id.stack);
}

export function label(id: StackId): string {
  return `${id.org}/${id.project}/${id.stack}`;
}
