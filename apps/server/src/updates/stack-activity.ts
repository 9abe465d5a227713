import { isCairnError, mapLimit } from "@cairn/core";
import { listAll, type ListedObject, type StateStore } from "@cairn/core/driver";
import type { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import type { HistoryEntry } from "./updates.js";

/** What a stack list shows of a stack's newest update. */
export type LastUpdate = Pick<HistoryEntry, "version" | "updateId" | "kind" | "user" | "result" | "startTime" | "endTime">;

interface CachedEntry {
  /** The history key the entry was read from, and that key's listed version (or size@time). */
  key: string;
  listed: string;
  entry: LastUpdate;
}

interface LastUpdatesFile {
  format: number;
  /** By `<project>/<stack>`. */
  stacks: Record<string, CachedEntry>;
}

const FORMAT = 1;
const READS_AT_ONCE = 16;

/**
 * Each stack's last update (who, what, result) for a whole organization at the cost of one
 * listing of its history and one read of a cache record, instead of a listing and a read per
 * stack. The cache, `server/console/last-updates/<org>.json`, is derived, never the truth: an
 * entry is used only when it was read from exactly the newest history object the listing shows
 * (same key, same listed version); any other stack's newest entry is read and the cache written
 * back by compare-and-swap (a lost race is left for the next reader). So every server instance
 * over one store sees the same answer, and a missing, stale or damaged cache only costs reads.
 */
export class StackActivity {
  constructor(
    private readonly store: StateStore,
    private readonly records: JsonRecords,
  ) {}

  /** `<project>/<stack>` → its newest history entry, for every stack of `org` that has one. */
  async lastUpdates(org: string): Promise<Map<string, LastUpdate>> {
    const prefix = RECORD_KEYS.orgHistory(org);
    const newest = new Map<string, ListedObject>();
    for (const object of await listAll(this.store, prefix)) {
      const parts = object.key.slice(prefix.length).split("/");
      if (parts.length !== 3) continue;
      const stack = `${parts[0]}/${parts[1]}`;
      const other = newest.get(stack);
      if (other === undefined || object.key > other.key) newest.set(stack, object);
    }
    const cacheKey = RECORD_KEYS.lastUpdates(org);
    const cached = await this.readCache(cacheKey);
    const old = cached?.stacks ?? {};
    const next: Record<string, CachedEntry> = {};
    let changed = Object.keys(old).length !== newest.size;
    await mapLimit([...newest], READS_AT_ONCE, async ([stack, object]) => {
      const listed = listedTag(object);
      const entry = old[stack];
      if (entry !== undefined && listed !== undefined && entry.key === object.key && entry.listed === listed) {
        next[stack] = entry;
        return;
      }
      changed = true;
      const found = await this.records.get<HistoryEntry>(object.key);
      if (found === undefined) return; // removed since the listing
      // Without a listed version (or size and time) nothing tells a rewrite: such an entry is never trusted.
      next[stack] = { key: object.key, listed: listed ?? "", entry: lastUpdateOf(found.value) };
    });
    if (changed) await this.writeBack(cacheKey, cached?.version, next);
    return new Map(Object.entries(next).map(([stack, { entry }]) => [stack, entry]));
  }

  /** The cache and its store version; a damaged or older-format one reads as empty (and is replaced). */
  private async readCache(key: string): Promise<{ version: string; stacks: Record<string, CachedEntry> } | undefined> {
    const found = await this.store.get(key);
    if (found === undefined) return undefined;
    try {
      const file = JSON.parse(new TextDecoder().decode(found.bytes)) as LastUpdatesFile;
      return { version: found.version, stacks: file.format === FORMAT && typeof file.stacks === "object" && file.stacks !== null ? file.stacks : {} };
    } catch {
      return { version: found.version, stacks: {} };
    }
  }

  private async writeBack(key: string, version: string | undefined, stacks: Record<string, CachedEntry>): Promise<void> {
    const file: LastUpdatesFile = { format: FORMAT, stacks };
    try {
      if (version === undefined) await this.records.create(key, file, "last-updates cache");
      else await this.records.replace(key, file, version);
    } catch (error) {
      // Another instance wrote it first: theirs is as good (the next reader checks it anyway).
      if (!isCairnError(error, "Conflict") && !isCairnError(error, "AlreadyExists")) throw error;
    }
  }
}

/** What identifies the listed object's content: its version, else size and time; else nothing. */
function listedTag(object: ListedObject): string | undefined {
  if (object.version !== undefined) return `v:${object.version}`;
  if (object.size !== undefined && object.modified !== undefined) return `s:${object.size}@${object.modified.getTime()}`;
  return undefined;
}

function lastUpdateOf(entry: HistoryEntry): LastUpdate {
  return { version: entry.version, updateId: entry.updateId, kind: entry.kind, user: entry.user, result: entry.result, startTime: entry.startTime, endTime: entry.endTime };
}
