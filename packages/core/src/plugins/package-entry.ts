import { readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** The conditions Node's ESM loader matches for `import()` (Node 20). */
const IMPORT_CONDITIONS = new Set(["node", "import", "module-sync", "default"]);

export interface PackageEntry {
  /** The directory the package was found in (under some `node_modules`). */
  packageDir: string;
  /** Absolute path of the module `import(packageName)` would load. */
  entryFile: string;
}

/**
 * Finds `packageName` the way Node's ESM loader would from a module in `fromDir` (its `node_modules`
 * and those above it; unlike `require`, no NODE_PATH or global folders) and returns the file its `exports["."]` maps to for
 * `import`. Done by hand because `require.resolve` refuses packages whose exports map has only an
 * `import` condition, and `import.meta.resolve` cannot resolve from an arbitrary directory on Node 20.
 */
export async function findPackageEntry(packageName: string, fromDir: string): Promise<PackageEntry | undefined> {
  for (const nodeModules of nodeModulesAbove(resolve(fromDir))) {
    const packageDir = join(nodeModules, packageName);
    const manifest = await readManifest(join(packageDir, "package.json"));
    if (manifest === undefined) continue;
    const target = exportedRoot(manifest);
    if (target === undefined) continue;
    const entryFile = join(packageDir, target);
    if (await isFile(entryFile)) return { packageDir, entryFile };
  }
  return undefined;
}

function* nodeModulesAbove(directory: string): Generator<string> {
  for (let current = directory; ; current = dirname(current)) {
    if (!current.endsWith("/node_modules")) yield join(current, "node_modules");
    if (dirname(current) === current) return;
  }
}

interface Manifest {
  main?: unknown;
  exports?: unknown;
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

/** The relative path `import("<pkg>")` loads: `exports["."]` (or a bare exports target), else `main`, else index.js. */
function exportedRoot(manifest: Manifest): string | undefined {
  const { exports } = manifest;
  if (exports === undefined || exports === null) {
    return typeof manifest.main === "string" ? manifest.main : "index.js";
  }
  if (typeof exports === "object" && !Array.isArray(exports)) {
    const keys = Object.keys(exports);
    const isSubpathMap = keys.some((key) => key.startsWith("."));
    return matchConditions(isSubpathMap ? (exports as Record<string, unknown>)["."] : exports);
  }
  return matchConditions(exports);
}

/** Node's condition matching: the first key, in the object's own order, that is an active condition. */
function matchConditions(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = matchConditions(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof target === "object" && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (!IMPORT_CONDITIONS.has(condition)) continue;
      const found = matchConditions(value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ?? false;
}
