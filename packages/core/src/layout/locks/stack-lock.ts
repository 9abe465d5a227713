import type { SaveOptions, StackLock } from "../../backend.js";
import type { UntypedDeployment } from "../../checkpoint/types.js";
import { CairnError, type LockInfo } from "../../errors.js";
import type { HeldLock } from "./held-lock.js";

/** The layout's save of a stack, under `lock` (or, for an adopted lease, under none of the layout's). */
export type SaveUnder = (lock: HeldLock | undefined, deployment: UntypedDeployment, options: SaveOptions) => Promise<void>;

/**
 * The `StackLock` a store-backed backend hands its caller: the lock file it holds (`HeldLock`),
 * through which the caller saves, so each save is fenced by this very lock — its lease confirmed
 * right before the write, over the stack file it last saw — and no save has to be told that its
 * caller holds the lock.
 */
export class LayoutStackLock implements StackLock {
  constructor(
    private readonly held: HeldLock,
    private readonly saveUnder: SaveUnder,
  ) {}

  get info(): LockInfo {
    return this.held.info;
  }

  /** `InvalidArgument` once released, `Conflict` once known lost; else the save confirms the lease first. */
  async save(deployment: UntypedDeployment, options: SaveOptions = {}): Promise<void> {
    this.held.assertHeld();
    await this.saveUnder(this.held, deployment, options);
  }

  release(): Promise<void> {
    return this.held.release();
  }

  /** As `HeldLock.stopRenewing`: the holder hangs, its lease runs out (tests of takeover). */
  stopRenewing(): void {
    this.held.stopRenewing();
  }
}

/**
 * A handle on a lease held outside the backend (`StateBackend.adoptLease`): its saves take no lock
 * file; each is conditional on the stack file it read, and the caller's `beforeWrite` checks its
 * lease. Releasing it ends the handle only.
 */
export class AdoptedLease implements StackLock {
  private released = false;

  constructor(
    readonly info: LockInfo,
    private readonly stackLabel: string,
    private readonly saveUnder: SaveUnder,
  ) {}

  async save(deployment: UntypedDeployment, options: SaveOptions = {}): Promise<void> {
    if (this.released) throw new CairnError("InvalidArgument", `the lease on stack ${this.stackLabel} was already released`, { hint: "save under a lease that is still held" });
    await this.saveUnder(undefined, deployment, options);
  }

  async release(): Promise<void> {
    this.released = true;
  }
}
