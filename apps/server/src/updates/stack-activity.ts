import { isCairnError, mapLimit } from "@cairn/core";
import { listAll, type ListedObject, type StateStore } from "@cairn/core/driver";
import type { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import type { HistoryEntry } from "./updates.js";

/** What a stack list shows of a stack's newest update. */
export type LastUpdate = Pick<HistoryEntry, "version" | "updateId" | "kind" | "user" | "result" | "startTime" | "endTime">;

interface CachedEntry {
  /** The stack's version counter the entry was read for, and that object's listed version (or size@time). */
  key: string;
  listed: string;
  entry: LastUpdate;
}

interface LastUpdatesFile {
  format: number;
  /** By `<project>/<stack>`. */
  stacks: Record<string, CachedEntry>;
}

const FORMAT = 2;
const READS_AT_ONCE = 16;

/**
 * Each stack's last update (who, what, result) for a whole organization at the cost of one
 * listing of its stacks' version counters (one small object per stack, whatever the length of
 * their histories) and one read of a cache record, instead of a listing and a read per stack.
 *
 * The cache, `server/console/last-updates/<org>.json`, is derived, never the truth: an entry is
 * used only when the stack's counter is exactly the object it was read for (same listed version:
 * no update has started since) and the update it names had ended (an update in progress changes
 * its entry in place). Any other stack's counter and newest entry are read, and the cache written
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
    const prefix = RECORD_KEYS.orgCounters(org);
    const counters = new Map<string, ListedObject>();
    for (const object of await listAll(this.store, prefix)) {
      const match = /^([^/]+)\/([^/]+)\.json$/.exec(object.key.slice(prefix.length));
      if (match !== null) counters.set(`${match[1]}/${match[2]}`, object);
    }
    const cacheKey = RECORD_KEYS.lastUpdates(org);
    const cached = await this.readCache(cacheKey);
    const old = cached?.stacks ?? {};
    const next: Record<string, CachedEntry> = {};
    let changed = false;
    await mapLimit([...counters], READS_AT_ONCE, async ([stack, object]) => {
      const listed = listedTag(object);
      const entry = old[stack];
      if (entry !== undefined && listed !== undefined && entry.key === object.key && entry.listed === listed && entry.entry.result !== "in-progress") {
        next[stack] = entry;
        return;
      }
      changed = true;
      const [project, name] = stack.split("/") as [string, string];
      const read = await this.newestEntry(org, project, name, object.key);
      if (read === undefined) return; // no updates yet (or removed since the listing)
      // Without a listed version (or size and time) nothing tells a change: such an entry is never trusted.
      next[stack] = { key: object.key, listed: read.exact ? (listed ?? "") : "", entry: lastUpdateOf(read.entry) };
    });
    if (changed || Object.keys(old).some((stack) => next[stack] === undefined)) await this.writeBack(cacheKey, cached?.version, next);
    return new Map(Object.entries(next).map(([stack, { entry }]) => [stack, entry]));
  }

  /**
   * The entry of the version the counter names. A start takes its version from the counter just
   * before it writes the entry, so for a moment (or for good, if that start died between the two)
   * the counter is ahead: then the newest entry there is, by a listing of the stack's history, and
   * it is not `exact` (not to be trusted next time).
   */
  private async newestEntry(org: string, project: string, stack: string, counterKey: string): Promise<{ entry: HistoryEntry; exact: boolean } | undefined> {
    const counter = await this.records.get<{ last: number }>(counterKey);
    if (counter === undefined || !Number.isInteger(counter.value.last)) return undefined;
    const exact = await this.records.get<HistoryEntry>(RECORD_KEYS.historyEntry(org, project, stack, counter.value.last));
    if (exact !== undefined) return { entry: exact.value, exact: true };
    const newestKey = (await this.records.keys(RECORD_KEYS.history(org, project, stack))).sort().at(-1);
    const newest = newestKey === undefined ? undefined : await this.records.get<HistoryEntry>(newestKey);
    return newest === undefined ? undefined : { entry: newest.value, exact: false };
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
