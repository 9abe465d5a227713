import type { VersionedCheckpoint } from "../../checkpoint/types.js";
import { CairnError } from "../../errors.js";
import type { StateStore } from "../../store.js";
import type { HeldLock } from "../locks/held-lock.js";
import type { StackPaths } from "./paths.js";
import type { LayoutSettings } from "../settings.js";
import { readStackFile, stackFileKey, writeStackFile, type PreviousStackFile, type StoredStackFile, type WriteStackFileOptions } from "./stack-files.js";
import { entryOf, type StackIndexes } from "./stack-index.js";

/**
 * A backend's stack files: read with one get when the key is known, and written only fenced — on
 * the writer's lock and on the version it last saw — with the stack index kept up to date.
 *
 * It remembers, per stack, the key of the file it last saw (`.json`, `.json.gz` or `.json.zst`),
 * so a read is one get instead of a suffix listing and a get; a miss falls back to the listing.
 */
export class StackFiles {
  /** Stack base → the stack file key this instance last saw. */
  private readonly knownKeys = new Map<string, string>();

  constructor(
    private readonly store: StateStore,
    private readonly settings: LayoutSettings,
    private readonly indexes: StackIndexes,
  ) {}

  /** The stack file, or undefined when the stack has none; a `BrokenStackError` when it does not parse. */
  async read(paths: StackPaths): Promise<StoredStackFile | undefined> {
    const stored = await readStackFile(this.store, paths, this.knownKeys.get(paths.stackBase) ?? stackFileKey(paths, this.settings));
    if (stored === undefined) this.knownKeys.delete(paths.stackBase);
    else this.knownKeys.set(paths.stackBase, stored.key);
    return stored;
  }

  /** `read`, with `NotFound` (and the next step) for a stack that does not exist. */
  async require(paths: StackPaths): Promise<StoredStackFile> {
    const stored = await this.read(paths);
    if (stored === undefined) {
      throw new CairnError("NotFound", `stack ${paths.qualifiedName} does not exist`, {
        hint: "check the name with `cairn stack ls`, or create it with `cairn stack init`",
      });
    }
    return stored;
  }

  /**
   * Writes the stack file only while `lock` (when there is one) is still ours — renewed by a
   * compare-and-swap right before — and only over `expected`, the version the writer last saw.
   */
  async write(lock: HeldLock | undefined, paths: StackPaths, file: VersionedCheckpoint, expected: PreviousStackFile | null, options: WriteStackFileOptions = {}) {
    await lock?.confirm();
    const written = await writeStackFile(this.store, paths, file, this.settings, expected, { ...options, underLock: lock !== undefined });
    if (lock !== undefined) lock.stackFile = { key: written.key, version: written.version };
    this.knownKeys.set(paths.stackBase, written.key);
    // A compaction mid-update is not indexed (the final write is): listings check versions anyway.
    if (options.index ?? options.backup !== false) await this.indexes.record(paths.indexKey, baseNameOf(paths), entryOf({ key: written.key, version: written.version, file: file as StoredStackFile["file"] }));
    return written;
  }

  /** The stack's file was removed (or renamed away): forget its key and drop its index entry. */
  async forget(paths: StackPaths, stackName: string): Promise<void> {
    this.knownKeys.delete(paths.stackBase);
    await this.indexes.record(paths.indexKey, stackName, undefined);
  }
}

/** The stack's name as the index keys it (the last segment of its base key). */
function baseNameOf(paths: StackPaths): string {
  return paths.stackBase.slice(paths.stackBase.lastIndexOf("/") + 1);
}
