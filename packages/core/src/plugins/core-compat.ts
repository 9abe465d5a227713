import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CairnError } from "../errors.js";
import { runningCore } from "./running-core.js";
import { satisfiesRange } from "./version-range.js";

/** What a plugin package says about the core it was built for, and whether this cairn's core suits it. */
export interface CoreCompatibility {
  /** The package's `peerDependencies["@cairn/core"]` (or, wrongly but readably, `dependencies`). */
  range?: string;
  /** The running `@cairn/core` version. */
  coreVersion?: string;
  compatible: boolean;
  /** Why not, in words, when `compatible` is false. */
  reason?: string;
}

export interface PluginManifest {
  name?: string;
  version?: string;
  peerDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

/** A package's package.json, or `undefined` when it has none that parses. */
export async function readPluginManifest(packageDir: string): Promise<PluginManifest | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as PluginManifest) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the package's declared `@cairn/core` range against the running core (before its code is
 * imported: a plugin built for another core may not even load). No range: nothing to check (the
 * plugin API version is still checked after import). `workspace:^`/`*`/`~` is a monorepo link to
 * the very core running, compatible by construction; publishing rewrites it to a real range.
 */
export function coreCompatibility(manifest: PluginManifest): CoreCompatibility {
  const range = manifest.peerDependencies?.["@cairn/core"] ?? manifest.dependencies?.["@cairn/core"];
  const coreVersion = runningCore()?.version;
  if (range === undefined) return { coreVersion, compatible: true };
  if (coreVersion === undefined) return { range, compatible: true };
  const workspace = /^workspace:(.*)$/.exec(range);
  const effective = workspace === null ? range : /^[\^~*]?$/.test(workspace[1] ?? "") ? "*" : (workspace[1] ?? "");
  const satisfied = satisfiesRange(coreVersion, effective);
  if (satisfied === true) return { range, coreVersion, compatible: true };
  const reason =
    satisfied === undefined
      ? `declares @cairn/core range ${JSON.stringify(range)}, which cairn cannot read, so it cannot tell whether @cairn/core ${coreVersion} suits it`
      : `was built for @cairn/core ${range}, but this cairn runs @cairn/core ${coreVersion}`;
  return { range, coreVersion, compatible: false, reason };
}

/** Throws `PluginIncompatible` when the package at `packageDir` was built for another core; `fix` is the next step. */
export function assertCoreCompatible(manifest: PluginManifest, source: string, fix: string): void {
  const compatibility = coreCompatibility(manifest);
  if (compatibility.compatible) return;
  const label = `${manifest.name ?? source}${manifest.version === undefined ? "" : ` ${manifest.version}`}`;
  throw new CairnError("PluginIncompatible", `${label} (${source}) ${compatibility.reason}`, { hint: fix });
}
