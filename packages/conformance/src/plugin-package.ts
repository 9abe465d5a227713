import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PLUGIN_API_VERSION } from "@cairn/core/driver";
import { describe, it } from "vitest";
import { fail } from "./assertions.js";

/** The README sections every backend package documents (headings, any level). */
export const REQUIRED_README_SECTIONS = ["Install", "URL format", "Credentials", "Capabilities", "Locking", "Limitations", "Conformance"] as const;

interface PackageManifest {
  name?: unknown;
  type?: unknown;
  sideEffects?: unknown;
  exports?: unknown;
  peerDependencies?: Record<string, unknown>;
}

async function readManifest(packageDir: string): Promise<PackageManifest> {
  return JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as PackageManifest;
}

function rootExport(manifest: PackageManifest): Record<string, unknown> | undefined {
  const exports = manifest.exports;
  if (typeof exports !== "object" || exports === null) return undefined;
  const root = (exports as Record<string, unknown>)["."];
  return typeof root === "object" && root !== null ? (root as Record<string, unknown>) : undefined;
}

/** Problems with package.json: ESM, a typed root export, tree-shakeable, core as a peer. */
export async function findManifestProblems(packageDir: string): Promise<string[]> {
  const manifest = await readManifest(packageDir);
  const problems: string[] = [];
  if (manifest.type !== "module") problems.push('package.json: "type" must be "module"');
  if (manifest.sideEffects !== false) problems.push('package.json: "sideEffects" must be false (the CLI imports plugins lazily)');
  const root = rootExport(manifest);
  if (root === undefined) problems.push('package.json: "exports" must have a "." entry with conditions');
  else {
    if (typeof root.types !== "string") problems.push('package.json: exports["."].types must name the type declarations');
    if (typeof root.default !== "string" && typeof root.import !== "string") problems.push('package.json: exports["."] needs "default" or "import"');
  }
  if (typeof manifest.peerDependencies?.["@cairn/core"] !== "string") {
    problems.push('package.json: "@cairn/core" must be a peerDependency (one copy of core per process)');
  }
  return problems;
}

/** Problems with the built default export: it must be a plugin for this package. */
export async function findPluginExportProblems(packageDir: string): Promise<string[]> {
  const manifest = await readManifest(packageDir);
  const root = rootExport(manifest);
  const entry = root?.import ?? root?.default;
  if (typeof entry !== "string") return ["package.json: no built entry point to import"];
  let plugin: Record<string, unknown> | undefined;
  try {
    plugin = ((await import(pathToFileURL(join(packageDir, entry)).href)) as { default?: Record<string, unknown> }).default;
  } catch (error) {
    return [`importing ${entry} failed (is the package built?): ${String(error)}`];
  }
  if (typeof plugin !== "object" || plugin === null) return [`${entry}: the default export is not a plugin object`];
  const problems: string[] = [];
  if (plugin.apiVersion !== PLUGIN_API_VERSION) problems.push(`plugin.apiVersion is ${String(plugin.apiVersion)}, expected ${PLUGIN_API_VERSION}`);
  const meta = plugin.meta as { name?: unknown; version?: unknown } | undefined;
  if (meta?.name !== manifest.name) problems.push(`plugin.meta.name is ${JSON.stringify(meta?.name)}, expected the package name ${JSON.stringify(manifest.name)}`);
  if (typeof meta?.version !== "string") problems.push("plugin.meta.version must be a string");
  const schemes = plugin.schemes;
  if (!Array.isArray(schemes) || schemes.length === 0 || !schemes.every((s) => typeof s === "string" && s.length > 0 && !s.endsWith(":"))) {
    problems.push("plugin.schemes must be a non-empty array of scheme names without the colon");
  }
  if (typeof plugin.open !== "function") problems.push("plugin.open must be a function");
  return problems;
}

/** Problems with README.md: each required section must be a heading. */
export async function findReadmeProblems(packageDir: string): Promise<string[]> {
  const readme = await readFile(join(packageDir, "README.md"), "utf8").catch(() => undefined);
  if (readme === undefined) return ["README.md is missing"];
  const headings = readme
    .split("\n")
    .map((line) => /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]?.toLowerCase())
    .filter((heading): heading is string => heading !== undefined);
  return REQUIRED_README_SECTIONS.filter((section) => !headings.some((heading) => heading.startsWith(section.toLowerCase()))).map(
    (section) => `README.md: no "${section}" section heading`,
  );
}

/** Throws listing every problem with a backend plugin package (`packageDir` holds its package.json). */
export async function checkPluginPackage(packageDir: string): Promise<void> {
  const problems = [
    ...(await findManifestProblems(packageDir)),
    ...(await findPluginExportProblems(packageDir)),
    ...(await findReadmeProblems(packageDir)),
  ];
  if (problems.length > 0) fail(`plugin package ${packageDir}:\n  - ${problems.join("\n  - ")}`);
}

/** The plugin-package checks, in the order `describePluginPackage` registers them (title = test title). */
export const PLUGIN_PACKAGE_CHECKS: ReadonlyArray<{ title: string; run: (packageDir: string) => Promise<string[]> }> = [
  { title: "package.json: ESM, typed exports, sideEffects false, @cairn/core as a peer", run: findManifestProblems },
  { title: "the built default export is a plugin for this package", run: findPluginExportProblems },
  { title: `README.md documents ${REQUIRED_README_SECTIONS.join(", ")}`, run: findReadmeProblems },
];

export function describePluginPackage(name: string, packageDir: string): void {
  describe(`${name}: plugin package`, () => {
    for (const check of PLUGIN_PACKAGE_CHECKS) {
      it(check.title, async () => {
        const problems = await check.run(packageDir);
        if (problems.length > 0) fail(problems.join("\n"));
      });
    }
  });
}
