import type { StackSummary } from "../../backend.js";
import type { Deployment } from "../../checkpoint/types.js";
import { isCairnError } from "../../errors.js";
import { formatStackRef, type StackRef } from "../../stack-ref.js";
import type { ListedObject, StateStore } from "../../store.js";
import { mapLimit } from "../../concurrency/map-limit.js";
import type { BackendLogger } from "../settings.js";
import { isBrokenStackError } from "./broken-stack.js";
import { parseStoredStack, type StoredStackFile } from "./stack-files.js";

/**
 * The per-project stack index, `.pulumi/cairn-index/<project>.json`: for each stack, what
 * `stack ls` shows (last update time, resource count) and the stack file it was built from (key,
 * store version, and — for stores whose listings carry no version — the listing's size and time).
 * It is a cache, never the truth: `listStacks` lists the stack files (one listing) and uses an
 * entry only if it was built from exactly the file listed; any other stack — written by Pulumi,
 * by an older cairn, or after a crash between a write and its index update — is read and its
 * entry rebuilt. Writers update it under compare-and-swap after each stack-file write.
 */

const INDEX_FORMAT = 1;
/** Compare-and-swap attempts before an index update is given up (the next listing repairs it). */
const MAX_ATTEMPTS = 5;

export interface StackIndexEntry {
  key: string;
  version: string;
  /** `<size>@<modified ms>` of the listed file, for stores whose listings have no version. */
  listed?: string;
  lastUpdate?: string;
  resourceCount: number;
}

interface StackIndexFile {
  format: number;
  stacks: Record<string, StackIndexEntry>;
}

/** Go's zero `time.Time`: a manifest time that says nothing about the last update. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

export class StackIndexes {
  /** Index key → the version and content this instance last read or wrote (saves a read before each CAS). */
  private readonly known = new Map<string, { version: string; file: StackIndexFile }>();

  constructor(
    private readonly store: StateStore,
    private readonly logger: BackendLogger,
  ) {}

  /** Records a stack file cairn just wrote (or, with `undefined`, removed). Never throws: the index is only a cache. */
  async record(indexKey: string | undefined, stackName: string, entry: StackIndexEntry | undefined): Promise<void> {
    if (indexKey === undefined) return; // a legacy store: no index
    try {
      await this.update(indexKey, (stacks) => {
        if (entry === undefined) delete stacks[stackName];
        else stacks[stackName] = entry;
      });
    } catch (error) {
      this.logger.warn(`warning: could not update the stack index ${indexKey} (the next \`stack ls\` rebuilds it): ${(error as Error).message}`);
    }
  }

  /**
   * Summaries of the listed stack files (`files`: one per stack, from the stacks listing), grouped
   * by index. Trusted entries cost nothing; the rest cost one read each, and the index is then
   * written back with the rebuilt entries.
   */
  async summarize(groups: ReadonlyMap<string, Array<{ ref: StackRef; object: ListedObject }>>): Promise<StackSummary[]> {
    const perIndex = await mapLimit([...groups], 8, async ([indexKey, files]) => {
      const index = await this.read(indexKey);
      const stacks = index?.file.stacks ?? {};
      const rebuilt: Record<string, StackIndexEntry> = {};
      let changed = Object.keys(stacks).length !== files.length;
      const summaries = await mapLimit(files, 16, async ({ ref, object }) => {
        const name = ref.name;
        const entry = stacks[name];
        if (entry !== undefined && trusted(entry, object)) {
          rebuilt[name] = entry;
          return summaryOf(ref, entry);
        }
        changed = true;
        const found = await this.store.get(object.key);
        if (found === undefined) return undefined; // removed since the listing
        let parsed: StoredStackFile;
        try {
          parsed = await parseStoredStack(this.store, formatStackRef(ref), object.key, found);
        } catch (error) {
          // One broken file must not hide the other stacks: it is listed, marked, and not indexed.
          if (isBrokenStackError(error)) return { ref, broken: error.broken };
          throw error;
        }
        const fresh = entryOf(parsed);
        // The listing's size and time describe the file read only if it is the version already
        // indexed (nothing was written between the index entry and the read, so neither since the
        // listing); otherwise the next listing reads it once more.
        const stamp = listedStamp(object);
        if (object.version === undefined && stamp !== undefined && entry !== undefined && entry.version === found.version) fresh.listed = stamp;
        rebuilt[name] = fresh;
        return summaryOf(ref, fresh);
      });
      // A listing repairs an index but does not start one: a project's index begins with cairn's
      // first write there, so reading a store cairn never wrote to (or only upgraded) changes nothing.
      if (changed && index !== undefined) await this.writeBack(indexKey, index.version, rebuilt);
      return summaries.filter((summary): summary is StackSummary => summary !== undefined);
    });
    return perIndex.flat();
  }

  private async writeBack(indexKey: string, version: string, stacks: Record<string, StackIndexEntry>): Promise<void> {
    const file: StackIndexFile = { format: INDEX_FORMAT, stacks };
    try {
      const written = await this.store.put(indexKey, encode(file), this.precondition(version));
      this.known.set(indexKey, { version: written, file });
    } catch (error) {
      // Someone updated the index meanwhile: theirs is at least as fresh; the next listing checks it.
      if (!isCairnError(error, "Conflict")) this.logger.warn(`warning: could not rewrite the stack index ${indexKey}: ${(error as Error).message}`);
      this.known.delete(indexKey);
    }
  }

  private async update(indexKey: string, change: (stacks: Record<string, StackIndexEntry>) => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = this.known.get(indexKey) ?? (await this.read(indexKey));
      const file: StackIndexFile = { format: INDEX_FORMAT, stacks: { ...(current?.file.stacks ?? {}) } };
      change(file.stacks);
      try {
        const version = await this.store.put(indexKey, encode(file), this.precondition(current?.version));
        this.known.set(indexKey, { version, file });
        return;
      } catch (error) {
        this.known.delete(indexKey);
        if (!isCairnError(error, "Conflict") || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async read(indexKey: string): Promise<{ version: string; file: StackIndexFile } | undefined> {
    const found = await this.store.get(indexKey);
    if (found === undefined) return undefined;
    let file: StackIndexFile;
    try {
      file = JSON.parse(new TextDecoder().decode(found.bytes)) as StackIndexFile;
      if (file.format !== INDEX_FORMAT || typeof file.stacks !== "object" || file.stacks === null) file = { format: INDEX_FORMAT, stacks: {} };
    } catch {
      file = { format: INDEX_FORMAT, stacks: {} }; // unreadable: rebuilt from the stack files
    }
    const known = { version: found.version, file };
    this.known.set(indexKey, known);
    return known;
  }

  private precondition(version: string | undefined) {
    if (!this.store.capabilities.conditionalWrite) return {};
    return version === undefined ? { ifNoneMatch: "*" as const } : { ifMatch: version };
  }
}

/** The index entry of a stack file as read or written. */
export function entryOf(stored: Pick<StoredStackFile, "key" | "version" | "file">): StackIndexEntry {
  const latest = stored.file.checkpoint.latest as Deployment | undefined;
  const entry: StackIndexEntry = { key: stored.key, version: stored.version, resourceCount: latest?.resources?.length ?? 0 };
  const time = latest?.manifest?.time;
  if (time !== undefined && time !== ZERO_TIME && !Number.isNaN(Date.parse(time))) entry.lastUpdate = time;
  return entry;
}

export function summaryOf(ref: StackRef, entry: StackIndexEntry): StackSummary {
  const summary: StackSummary = { ref, resourceCount: entry.resourceCount };
  if (entry.lastUpdate !== undefined) summary.lastUpdate = new Date(entry.lastUpdate);
  return summary;
}

/** Whether an entry was built from exactly the listed file. */
function trusted(entry: StackIndexEntry, object: ListedObject): boolean {
  if (entry.key !== object.key) return false;
  if (object.version !== undefined) return entry.version === object.version;
  return entry.listed !== undefined && entry.listed === listedStamp(object);
}

function listedStamp(object: ListedObject): string | undefined {
  if (object.size === undefined || object.modified === undefined) return undefined;
  return `${object.size}@${object.modified.getTime()}`;
}

function encode(file: StackIndexFile): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(file));
}
