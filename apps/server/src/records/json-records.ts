import { CairnError, isCairnError } from "@cairn/core";
import { listAll, type StateStore } from "@cairn/core/driver";

export interface VersionedRecord<T> {
  value: T;
  version: string;
}

/** How many times a read-modify-write is retried when another writer got there first. */
const MAX_CAS_ATTEMPTS = 20;

/**
 * The server's own records (users, tokens, memberships, leases, updates) as JSON objects in the
 * same store as the state. Every change is a conditional write (create-if-absent or
 * compare-and-swap on the version read), so several server instances over one bucket never
 * overwrite each other's changes.
 */
export class JsonRecords {
  constructor(private readonly store: StateStore) {}

  async get<T>(key: string): Promise<VersionedRecord<T> | undefined> {
    const found = await this.store.get(key);
    if (found === undefined) return undefined;
    return { value: JSON.parse(new TextDecoder().decode(found.bytes)) as T, version: found.version };
  }

  /** Creates the record; AlreadyExists when one is there. */
  async create<T>(key: string, value: T, what: string): Promise<string> {
    try {
      return await this.store.put(key, encode(value), { ifNoneMatch: "*" });
    } catch (error) {
      if (isCairnError(error, "Conflict")) throw new CairnError("AlreadyExists", `${what} already exists`);
      throw error;
    }
  }

  /** Replaces the record only if it is still at `version`; Conflict otherwise. */
  async replace<T>(key: string, value: T, version: string): Promise<string> {
    return this.store.put(key, encode(value), { ifMatch: version });
  }

  /**
   * Read-modify-write with retries: `change` gets the current value (undefined when absent) and
   * returns the new one, or undefined to leave the record as it is.
   */
  async update<T>(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get<T>(key);
      const next = change(current?.value);
      if (next === undefined) return current?.value;
      try {
        await this.store.put(key, encode(next), current === undefined ? { ifNoneMatch: "*" } : { ifMatch: current.version });
        return next;
      } catch (error) {
        if (!isCairnError(error, "Conflict") || attempt >= MAX_CAS_ATTEMPTS) throw error;
      }
    }
  }

  /** Deletes the record only if it is still at `version` (when given); absent is fine. */
  async delete(key: string, version?: string): Promise<void> {
    try {
      await this.store.delete(key, version === undefined ? {} : { ifMatch: version });
    } catch (error) {
      if (!isCairnError(error, "NotFound")) throw error;
    }
  }

  /** Keys directly or deeply under `prefix`. */
  async keys(prefix: string): Promise<string[]> {
    return (await listAll(this.store, prefix)).map((object) => object.key);
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const records: Array<{ key: string; value: T }> = [];
    for (const key of await this.keys(prefix)) {
      const found = await this.get<T>(key);
      if (found !== undefined) records.push({ key, value: found.value });
    }
    return records;
  }
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
