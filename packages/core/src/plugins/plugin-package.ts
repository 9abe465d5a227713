import { pathToFileURL } from "node:url";
import { coreCompatibility, readPluginManifest, type CoreCompatibility } from "./core-compat.js";
import { findPackageEntry } from "./package-entry.js";
import { checkPlugin } from "./plugin-check.js";

/** An installed plugin package as `cairn plugin ls` shows it and `cairn plugin install` vets it. */
export interface InstalledPlugin extends CoreCompatibility {
  name: string;
  version?: string;
  packageDir?: string;
  /** The schemes its default export serves; empty when it was not loaded (incompatible or broken). */
  schemes: string[];
  apiVersion?: number;
}

/**
 * Looks at `packageName` as installed under `prefixDir/node_modules`: its declared core range and,
 * only when that suits the running core, its default export (imported, then checked as the
 * registry checks it). A plugin that fails either comes back `compatible: false` with the reason;
 * nothing is thrown for a broken package, so a listing shows every entry.
 */
export async function inspectInstalledPlugin(packageName: string, prefixDir: string): Promise<InstalledPlugin> {
  const found = await findPackageEntry(packageName, prefixDir);
  if (found === undefined) return { name: packageName, schemes: [], compatible: false, reason: "is not installed (or has no importable entry)" };
  const manifest = (await readPluginManifest(found.packageDir)) ?? {};
  const compatibility = coreCompatibility(manifest);
  const described: InstalledPlugin = { name: packageName, version: manifest.version, packageDir: found.packageDir, schemes: [], ...compatibility };
  if (!compatibility.compatible) return described;
  try {
    const module = (await import(pathToFileURL(found.entryFile).href)) as { default?: unknown };
    const plugin = checkPlugin(module.default, `package ${packageName}`);
    return { ...described, schemes: [...plugin.schemes], apiVersion: plugin.apiVersion };
  } catch (error) {
    return { ...described, compatible: false, reason: (error as Error).message };
  }
}

