import { isCairnError, mapLimit } from "@cairn/core";
import { listAll, type StateStore } from "@cairn/core/driver";

/** Requests in flight at once when reading or removing many objects (a journal of thousands of batches). */
const PARALLEL = 16;
import { open, seal } from "../state/aes-gcm.js";
import type { DataKeys } from "../state/data-keys.js";
import type { StackId } from "../state/org-state.js";

/**
 * JSON objects that hold a stack's data outside its checkpoint (an update's engine events, its
 * journal entries), sealed with the stack's data key like the checkpoint itself: events carry
 * resource inputs and outputs, and nothing of a stack's data is stored in the clear. Each object
 * is written create-only, so a retried request that already landed is recognised, not duplicated.
 */
export class StackSealedRecords {
  constructor(
    private readonly store: StateStore,
    private readonly dataKeys: DataKeys,
  ) {}

  /** Writes `value` at `key` if nothing is there; returns false when it already existed. */
  async create(id: StackId, key: string, value: unknown): Promise<boolean> {
    const sealed = seal(await this.keyOf(id), new TextEncoder().encode(JSON.stringify(value)), key);
    try {
      await this.store.put(key, sealed, { ifNoneMatch: "*" });
      return true;
    } catch (error) {
      if (isCairnError(error, "Conflict") || isCairnError(error, "AlreadyExists")) return false;
      throw error;
    }
  }

  async get<T>(id: StackId, key: string): Promise<T | undefined> {
    const found = await this.store.get(key);
    if (found === undefined) return undefined;
    return JSON.parse(new TextDecoder().decode(open(await this.keyOf(id), found.bytes, key))) as T;
  }

  /** Every object under `prefix`, in key order (callers name keys so that order is meaningful). */
  async list<T>(id: StackId, prefix: string): Promise<Array<{ key: string; value: T }>> {
    const keys = (await listAll(this.store, prefix)).map((object) => object.key).sort();
    const values = await mapLimit(keys, PARALLEL, (key) => this.get<T>(id, key));
    const found: Array<{ key: string; value: T }> = [];
    keys.forEach((key, index) => {
      const value = values[index];
      if (value !== undefined) found.push({ key, value });
    });
    return found;
  }

  async deleteAll(prefix: string): Promise<void> {
    await mapLimit(await listAll(this.store, prefix), PARALLEL, (object) =>
      this.store.delete(object.key).catch((error: unknown) => {
        if (!isCairnError(error, "NotFound")) throw error;
      }),
    );
  }

  private keyOf(id: StackId): Promise<Buffer> {
    return this.dataKeys.keyFor(id.org, id.project, id.stack);
  }
}
