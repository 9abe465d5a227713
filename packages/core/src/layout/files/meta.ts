import { CairnError, isCairnError } from "../../errors.js";
import { listAll, type StateStore } from "../../store.js";
import { META_KEY, STACKS_DIR, stackRefFromKey, type LayoutMode } from "./paths.js";
import type { LayoutSettings } from "../settings.js";

/** The newest `.pulumi/meta.yaml` version cairn understands (Pulumi's `pkg/backend/diy/meta.go`). */
export const LATEST_META_VERSION = 1;

/** What Go's yaml.v3 writes for `pulumiMeta{Version: 1}`. */
export const PROJECT_META_YAML = "version: 1\n";

/**
 * Decides the layout of a store as Pulumi does when it opens one: meta.yaml version 1 means
 * project-scoped stacks, version 0 the legacy layout, anything newer is refused. A store without
 * meta.yaml gets one: legacy (version 0, which is never written, so legacy stores keep nothing
 * outside `.pulumi/stacks/`) if it already holds legacy stack files or the user asked for it,
 * otherwise version 1.
 */
export async function resolveLayoutMode(store: StateStore, settings: LayoutSettings): Promise<LayoutMode> {
  const existing = await readMetaVersion(store);
  if (existing !== undefined) return modeForVersion(existing);

  const hasLegacyStacks = (await listAll(store, `${STACKS_DIR}/`)).some((object) => stackRefFromKey("legacy", object.key) !== undefined);
  if (hasLegacyStacks || settings.legacyLayoutForNewStore) return "legacy";

  try {
    // Conditional create: two clients opening an empty store at once must not disagree.
    await store.put(META_KEY, new TextEncoder().encode(PROJECT_META_YAML), store.capabilities.conditionalWrite ? { ifNoneMatch: "*" } : {});
    return "project";
  } catch (error) {
    if (!isCairnError(error, "Conflict")) throw error;
    const written = await readMetaVersion(store);
    return modeForVersion(written ?? LATEST_META_VERSION);
  }
}

export async function readMetaVersion(store: StateStore): Promise<number | undefined> {
  const found = await store.get(META_KEY);
  if (found === undefined) return undefined;
  // Loaded on first use: most of core's start-up cost, needed only when meta.yaml exists.
  const { parse } = await import("../../lazy-yaml.js");
  let document: unknown;
  try {
    document = parse(new TextDecoder().decode(found.bytes));
  } catch (error) {
    throw corrupt(`${META_KEY} is not valid YAML: ${(error as Error).message}`, error);
  }
  const version = typeof document === "object" && document !== null ? (document as { version?: unknown }).version : undefined;
  if (version === undefined || version === null) throw corrupt(`${META_KEY} has no version`);
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    throw corrupt(`${META_KEY} has version ${JSON.stringify(version)}, which is not a non-negative integer`);
  }
  return version;
}

function modeForVersion(version: number): LayoutMode {
  if (version === 0) return "legacy";
  if (version === LATEST_META_VERSION) return "project";
  throw new CairnError(
    "Unimplemented",
    `state store unsupported: ${META_KEY} version ${version} is newer than this cairn understands (at most ${LATEST_META_VERSION})`,
    { hint: "upgrade cairn to a version that supports this state layout" },
  );
}

function corrupt(message: string, cause?: unknown): CairnError {
  return new CairnError("Internal", `corrupt store: ${message}`, {
    cause,
    hint: `fix or remove ${META_KEY} (version: 1 for project-scoped stacks, 0 for the legacy layout)`,
  });
}
