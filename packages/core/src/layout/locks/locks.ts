import { randomBytes } from "node:crypto";
import { CairnError, LockedError, isCairnError, type LockInfo } from "../../errors.js";
import { listAll, type StateStore } from "../../store.js";
import { deleteIfPresent } from "../files/objects.js";
import { isProcessAlive } from "../../process/process-alive.js";
import { HeldLock, type LeaseSettings } from "./held-lock.js";
import { describeHolder, formatLockFile, isLeaseExpired, parseLockFile, unknownHolder } from "./lock-file.js";

/**
 * Stack locks in the self-managed layout: one file per holder in the stack's lock directory
 * (`.pulumi/locks/organization/<project>/<stack>/<lock-id>.json`, `pkg/backend/diy/lock.go`).
 *
 * Pulumi names its file after a random per-process UUID, checks the directory for other files,
 * writes its own, and checks again — two clients can race past each other. cairn instead makes
 * every cairn client contend for the same key, `cairn.json`, with a conditional create: the store
 * lets exactly one create succeed, so cairn clients exclude each other atomically. A fixed name is
 * what makes this work (per-client names would all be created successfully and leave only
 * Pulumi's racy check). After the create, cairn lists the directory like Pulumi does: any other
 * file is a Pulumi lock, so cairn backs off; and Pulumi, seeing `cairn.json`, backs off from cairn.
 *
 * A cairn lock is a lease: it records when it `expires`, its holder renews it while working, and
 * once it has run out (the holder was killed or hung) another client takes it over by replacing
 * the file with a compare-and-swap, so two clients can never both take over the same stale lock.
 */
export const CAIRN_LOCK_FILE = "cairn.json";

/** How many times a lost race (holder gone or replaced before we could act) is retried. */
const MAX_ATTEMPTS = 5;

export interface LockerOptions extends LeaseSettings {
  allowUnsafeLocking: boolean;
}

export class StackLocks {
  constructor(
    private readonly store: StateStore,
    private readonly options: LockerOptions,
  ) {}

  /** Takes the lock in `lockDir` or throws `LockedError` naming the holder. */
  async acquire(lockDir: string, stackLabel: string, info: LockInfo, onRelease: () => void = () => {}): Promise<HeldLock> {
    const conditional = this.store.capabilities.conditionalWrite;
    if (!conditional && !this.options.allowUnsafeLocking) {
      throw new CairnError("Unimplemented", `cannot lock stack ${stackLabel}: store ${this.store.url} has no conditional writes, so locking would not be atomic`, {
        hint: "use a store that supports conditional writes, or opt in to unsafe locking (allowUnsafeLocking) if only one writer ever uses this state",
      });
    }
    const key = `${lockDir}/${CAIRN_LOCK_FILE}`;
    // The nonce makes these bytes ours alone: a create or takeover retried after a lost answer
    // that finds them stored is our own write (see `own-write.ts`), not someone else's lock.
    const leased: LockInfo = { ...info, expires: new Date(this.options.now() + this.options.leaseMs).toISOString(), nonce: randomBytes(16).toString("hex") };
    const content = formatLockFile(leased);
    for (let attempt = 1; ; attempt++) {
      let version: string;
      try {
        if (!conditional) await this.refuseIfHeld(lockDir, stackLabel, undefined, info);
        version = await this.store.put(key, content, conditional ? { ifNoneMatch: "*", bytesIdentifyWrite: true } : {});
      } catch (error) {
        if (!isCairnError(error, "Conflict")) throw error;
        const found = await this.store.get(key);
        if (found === undefined && attempt < MAX_ATTEMPTS) continue; // released meanwhile: try again
        const holder = found === undefined ? unknownHolder(key) : parseLockFile(found.bytes, key);
        const stale = found === undefined ? undefined : this.staleReason(holder, info);
        if (found === undefined || stale === undefined || attempt >= MAX_ATTEMPTS) throw new LockedError(stackLabel, holder);
        try {
          // Replace exactly the stale file we read: if another client took it over first, this fails.
          version = await this.store.put(key, content, { ifMatch: found.version, bytesIdentifyWrite: true });
        } catch (replaceError) {
          if (isCairnError(replaceError, "Conflict")) continue;
          throw replaceError;
        }
        this.options.logger.warn(`warning: took over the lock on stack ${stackLabel} from ${describeHolder(holder)}: ${stale}`);
      }
      try {
        await this.refuseIfHeld(lockDir, stackLabel, key, info);
      } catch (error) {
        await this.deleteOwn(key, version);
        throw error;
      }
      return new HeldLock(this.store, key, leased, version, this.options, stackLabel, onRelease);
    }
  }

  /** Everyone holding a lock on the stack (normally at most one). */
  async holders(lockDir: string): Promise<LockInfo[]> {
    const holders: LockInfo[] = [];
    for (const key of await this.lockKeys(lockDir)) {
      const holder = await this.readHolder(key);
      if (holder !== undefined) holders.push(holder);
    }
    return holders;
  }

  /** Deletes every lock file on the stack, whoever wrote it (Pulumi's `pulumi cancel` does the same). */
  async breakAll(lockDir: string): Promise<LockInfo[]> {
    const holders = await this.holders(lockDir);
    for (const key of await this.lockKeys(lockDir)) await deleteIfPresent(this.store, key);
    return holders;
  }

  /** Why `holder`'s lock may be taken over, or undefined while it is live. */
  private staleReason(holder: LockInfo, us: LockInfo): string | undefined {
    if (isLeaseExpired(holder, this.options.now())) return `its lease expired at ${holder.expires}`;
    if (isDeadLocalHolder(holder, us)) return `process ${holder.pid} no longer runs on this machine`;
    return undefined;
  }

  /**
   * Throws `LockedError` if a lock file other than `ownKey` exists. Pulumi's own files never
   * expire; one whose process is gone from this machine is removed (only if unchanged since read).
   */
  private async refuseIfHeld(lockDir: string, stackLabel: string, ownKey: string | undefined, us: LockInfo): Promise<void> {
    for (const key of await this.lockKeys(lockDir)) {
      if (key === ownKey) continue;
      const found = await this.store.get(key);
      if (found === undefined) continue;
      const holder = parseLockFile(found.bytes, key);
      const stale = this.staleReason(holder, us);
      if (stale === undefined) throw new LockedError(stackLabel, holder);
      await this.deleteOwn(key, found.version);
      this.options.logger.warn(`warning: removed the stale lock ${key} on stack ${stackLabel} held by ${describeHolder(holder)}: ${stale}`);
    }
  }

  /** Files directly in the lock directory: Pulumi counts every one of them as a lock. */
  private async lockKeys(lockDir: string): Promise<string[]> {
    const prefix = `${lockDir}/`;
    return (await listAll(this.store, prefix)).map((object) => object.key).filter((key) => !key.slice(prefix.length).includes("/"));
  }

  private async readHolder(key: string): Promise<LockInfo | undefined> {
    const found = await this.store.get(key);
    if (found === undefined) return undefined;
    return parseLockFile(found.bytes, key);
  }

  /** Deletes a lock file only if it is still the version we know (not a successor's). */
  private async deleteOwn(key: string, version: string): Promise<void> {
    try {
      await this.store.delete(key, this.store.capabilities.conditionalWrite ? { ifMatch: version } : {});
    } catch (error) {
      if (!isCairnError(error, "Conflict") && !isCairnError(error, "NotFound")) throw error;
    }
  }
}

function isDeadLocalHolder(holder: LockInfo, us: LockInfo): boolean {
  return holder.hostname === us.hostname && holder.pid !== us.pid && holder.pid > 0 && !isProcessAlive(holder.pid);
}
