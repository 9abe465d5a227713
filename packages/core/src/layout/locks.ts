import { CairnError, LockedError, isCairnError, type LockInfo } from "../errors.js";
import type { StackLock } from "../backend.js";
import { listAll, type StateStore } from "../store.js";
import { deleteIfPresent } from "./objects.js";
import { isProcessAlive } from "../process-alive.js";

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
 */
export const CAIRN_LOCK_FILE = "cairn.json";

/** How many times a lost race (holder gone before we could read it) is retried. */
const MAX_ATTEMPTS = 5;

export interface LockerOptions {
  allowUnsafeLocking: boolean;
}

export class StackLocks {
  constructor(
    private readonly store: StateStore,
    private readonly options: LockerOptions,
  ) {}

  /** Takes the lock in `lockDir` or throws `LockedError` naming the holder. */
  async acquire(lockDir: string, stackLabel: string, info: LockInfo): Promise<StackLock> {
    const conditional = this.store.capabilities.conditionalWrite;
    if (!conditional && !this.options.allowUnsafeLocking) {
      throw new CairnError("Unimplemented", `cannot lock stack ${stackLabel}: store ${this.store.url} has no conditional writes, so locking would not be atomic`, {
        hint: "use a store that supports conditional writes, or opt in to unsafe locking (allowUnsafeLocking) if only one writer ever uses this state",
      });
    }
    const key = `${lockDir}/${CAIRN_LOCK_FILE}`;
    const content = new TextEncoder().encode(JSON.stringify(lockFileContent(info)));
    for (let attempt = 1; ; attempt++) {
      let version: string;
      try {
        if (!conditional) await this.refuseIfHeld(lockDir, stackLabel, undefined);
        version = await this.store.put(key, content, conditional ? { ifNoneMatch: "*" } : {});
      } catch (error) {
        if (!isCairnError(error, "Conflict")) throw error;
        const found = await this.store.get(key);
        if (found === undefined && attempt < MAX_ATTEMPTS) continue; // released meanwhile: try again
        const holder = found === undefined ? unknownHolder(key) : parseLockFile(found.bytes, key);
        if (found !== undefined && attempt < MAX_ATTEMPTS && isDeadLocalHolder(holder, info)) {
          // A cairn process on this machine that no longer exists (killed mid-operation) cannot be
          // holding anything: remove its lock, only if it is still that very file, and try again.
          await this.deleteOwn(key, found.version);
          continue;
        }
        throw new LockedError(stackLabel, holder);
      }
      try {
        await this.refuseIfHeld(lockDir, stackLabel, key);
      } catch (error) {
        await this.deleteOwn(key, version);
        throw error;
      }
      return { info: { ...info, key }, release: once(() => this.deleteOwn(key, version)) };
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

  /** Throws `LockedError` if a lock file other than `ownKey` exists. */
  private async refuseIfHeld(lockDir: string, stackLabel: string, ownKey: string | undefined): Promise<void> {
    for (const key of await this.lockKeys(lockDir)) {
      if (key === ownKey) continue;
      const holder = await this.readHolder(key);
      if (holder !== undefined) throw new LockedError(stackLabel, holder);
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

  /** Deletes our lock file only if it is still the one we wrote (not a successor's after a force-unlock). */
  private async deleteOwn(key: string, version: string): Promise<void> {
    try {
      await this.store.delete(key, this.store.capabilities.conditionalWrite ? { ifMatch: version } : {});
    } catch (error) {
      if (!isCairnError(error, "Conflict") && !isCairnError(error, "NotFound")) throw error;
    }
  }
}

/** Pulumi's four fields (`lockContent`), then ours; Go reads it and ignores `operation`. */
function lockFileContent(info: LockInfo): Record<string, unknown> {
  const content: Record<string, unknown> = { pid: info.pid, username: info.username, hostname: info.hostname, timestamp: info.timestamp };
  if (info.operation !== undefined) content.operation = info.operation;
  return content;
}

/** A lock file that cannot be read still locks the stack; it is reported as held by "unknown". */
function parseLockFile(bytes: Uint8Array, key: string): LockInfo {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof value === "object" && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // fall through to the unknown holder
  }
  const info: LockInfo = {
    pid: typeof parsed.pid === "number" ? parsed.pid : 0,
    username: typeof parsed.username === "string" ? parsed.username : "unknown",
    hostname: typeof parsed.hostname === "string" ? parsed.hostname : "unknown",
    timestamp: typeof parsed.timestamp === "string" ? parsed.timestamp : "unknown",
    key,
  };
  if (typeof parsed.operation === "string") info.operation = parsed.operation;
  return info;
}

function isDeadLocalHolder(holder: LockInfo, us: LockInfo): boolean {
  return holder.hostname === us.hostname && holder.pid !== us.pid && holder.pid > 0 && !isProcessAlive(holder.pid);
}

function unknownHolder(key: string): LockInfo {
  return { pid: 0, username: "unknown", hostname: "unknown", timestamp: "unknown", key };
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}
