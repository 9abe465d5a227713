import type { StackLock } from "../../backend.js";
import { serialQueue } from "../../concurrency/serial-queue.js";
import { CairnError, isCairnError, type LockInfo } from "../../errors.js";
import type { StateStore } from "../../store.js";
import { describeHolder, formatLockFile, lockFileNonce, parseLockFile } from "./lock-file.js";
import { intervalTimer, type BackendLogger, type RenewalTimer } from "../settings.js";

export interface LeaseSettings {
  leaseMs: number;
  now: () => number;
  logger: BackendLogger;
  /** Schedules the renewals (default `intervalTimer`). */
  renewalTimer?: RenewalTimer;
}

/** A stack file as its lock holder last read or wrote it: the precondition of its next write. */
export interface StackFileVersion {
  key: string;
  version: string;
}

/**
 * A lock this process holds: the lock file's own store version (so every renewal and every
 * pre-write check is a compare-and-swap that fails once someone else replaced the file), a lease
 * renewed on a timer (`renewalTimer`; an unref'd setInterval by default) while the holder works,
 * and the stack file version the holder last saw, which fences its writes. Its caller gets it
 * wrapped as a `StackLock` (`LayoutStackLock`), through which it saves.
 */
export class HeldLock implements Pick<StackLock, "info" | "release"> {
  /** `null`: the stack had no file when it was locked; `undefined`: not read yet. */
  stackFile: StackFileVersion | null | undefined;
  private current: LockInfo;
  private version: string;
  private lost: string | undefined;
  /** Renewals and pre-write checks are compare-and-swaps on one version: never run two at once. */
  private readonly serialize = serialQueue();
  private readonly stopTimer: () => void;
  private released: Promise<void> | undefined;

  constructor(
    private readonly store: StateStore,
    readonly key: string,
    info: LockInfo,
    version: string,
    private readonly lease: LeaseSettings,
    private readonly stackLabel: string,
    private readonly onRelease: () => void,
  ) {
    this.current = { ...info, key };
    this.version = version;
    this.stopTimer = (lease.renewalTimer ?? intervalTimer)(Math.max(1, Math.floor(lease.leaseMs / 3)), () => this.renewInBackground());
  }

  get info(): LockInfo {
    return this.current;
  }

  /**
   * Renews the lease right before a write, proving the lock is still this holder's. Throws
   * `Conflict` when it was taken over or removed: the caller must then write nothing.
   */
  confirm(): Promise<void> {
    return this.serialize(() => this.renew());
  }

  /**
   * Throws, without a request, when this holder already knows the lock is gone (a renewal found it
   * taken over or removed, or it was released). Journal writes check this instead of renewing: a
   * journal object is harmless unless replayed, and replay needs the stack file this lock fenced.
   */
  assertHeld(): void {
    if (this.lost !== undefined) throw this.lostError();
    if (this.released !== undefined) throw new CairnError("InvalidArgument", `the lock on stack ${this.stackLabel} was already released`, { hint: "start another update" });
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      this.stopTimer();
      this.onRelease();
      await this.serialize(async () => {
        if (this.lost !== undefined) return; // someone else's file now: leave it alone
        try {
          await this.store.delete(this.key, this.store.capabilities.conditionalWrite ? { ifMatch: this.version } : {});
        } catch (error) {
          if (!isCairnError(error, "Conflict") && !isCairnError(error, "NotFound")) throw error;
          // Still ours at a version we never heard of (a renewal that landed unanswered): remove
          // that version. Left behind, it would be a lock of ours that nobody holds.
          const own = isCairnError(error, "Conflict") ? await this.ownVersion() : undefined;
          if (own !== undefined) await this.store.delete(this.key, { ifMatch: own }).catch((again: unknown) => {
            if (!isCairnError(again, "Conflict") && !isCairnError(again, "NotFound")) throw again;
          });
        }
      });
    })();
    return this.released;
  }

  /**
   * Stops renewing without removing the lock file, as a hung process would (tests); the lease then
   * runs out and another client may take the lock over. The holder's saves stay fenced by it.
   */
  stopRenewing(): void {
    this.stopTimer();
  }

  private async renewInBackground(): Promise<void> {
    if (this.released !== undefined || this.lost !== undefined) return;
    try {
      await this.serialize(() => this.renew());
    } catch (error) {
      if (this.lost !== undefined) {
        this.stopTimer();
        this.lease.logger.warn(`warning: ${(error as Error).message}`);
      }
      // Anything else (a transient store error) is retried at the next tick, within the lease.
    }
  }

  private async renew(): Promise<void> {
    if (this.lost !== undefined) throw this.lostError();
    if (this.released !== undefined) throw new CairnError("Internal", `the lock on stack ${this.stackLabel} was already released`);
    const next: LockInfo = { ...this.current, expires: new Date(this.lease.now() + this.lease.leaseMs).toISOString() };
    try {
      if (this.store.capabilities.conditionalWrite) {
        // `next` keeps this holding's nonce: no one else writes these bytes (see `LockInfo.nonce`).
        this.version = await this.store.put(this.key, formatLockFile(next), { ifMatch: this.version, bytesIdentifyWrite: true });
      } else {
        // Best effort on a store without preconditions (the user opted in to unsafe locking).
        const found = await this.store.get(this.key);
        if (found?.version !== this.version) throw new CairnError("Conflict", `${this.key} changed`);
        this.version = await this.store.put(this.key, formatLockFile(next));
      }
    } catch (error) {
      if (!isCairnError(error, "Conflict")) throw error;
      // A renewal of ours may have landed although every try's answer was lost: the file then
      // carries our nonce at a version we never heard of. It is still ours; renew from there.
      const own = this.store.capabilities.conditionalWrite ? await this.ownVersion() : undefined;
      if (own !== undefined) {
        this.version = await this.store.put(this.key, formatLockFile(next), { ifMatch: own, bytesIdentifyWrite: true });
        this.current = next;
        return;
      }
      const found = await this.store.get(this.key);
      this.lost =
        found === undefined
          ? "its lock file was removed (`cairn stack unlock --force`?)"
          : `it was taken over by ${describeHolder(parseLockFile(found.bytes, this.key))}`;
      this.stopTimer();
      throw this.lostError();
    }
    this.current = next;
  }

  /**
   * The lock file's version when it still carries this holding's nonce (nobody else writes it:
   * see `LockInfo.nonce`), else undefined: removed, or another holder's now.
   */
  private async ownVersion(): Promise<string | undefined> {
    if (this.current.nonce === undefined) return undefined;
    const found = await this.store.get(this.key);
    return found !== undefined && lockFileNonce(found.bytes) === this.current.nonce ? found.version : undefined;
  }

  private lostError(): CairnError {
    return new CairnError("Conflict", `lost the lock on stack ${this.stackLabel}: ${this.lost}; nothing was written`, {
      hint: "another process owns the stack now (this one's lease ran out); re-run the operation so it starts from the current state",
    });
  }
}
