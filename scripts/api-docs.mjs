#!/usr/bin/env node
// The API reference of the packages third-party backend authors build on, as markdown, from the
// TSDoc in their sources: `pnpm docs:api` writes docs/api/<package>/ (not committed: generate it;
// see docs/writing-a-backend.md). Entry points are read from each package's package.json
// `exports` (every subpath but ./package.json, its `types` target mapped from dist/*.d.ts back to
// src/*.ts), so a new subpath export is documented without touching this script.
//
// Usage: node scripts/api-docs.mjs [--out <dir>] [--check] [--packages <dir>,<dir>]
//   --packages  document these package directories instead of API_PACKAGES (tests use it)
//   --check  fail (exit 1) on any TypeDoc warning (a broken {@link}, an unexported type in a
//            public signature, a comment TypeDoc cannot parse); CI runs it via repo-checks.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Application, LogLevel } from "typedoc";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The packages documented: those a backend author imports. */
export const API_PACKAGES = ["packages/core", "packages/conformance"];

/**
 * Types a package uses in public signatures without exporting them. Each is a gap in the API to
 * close (export the type, or inline it), listed here so that --check still fails on a new one;
 * TypeDoc also warns when a listed name is exported or no longer referenced, so fixing the source
 * fails --check until the name is removed here.
 */
const NOT_YET_EXPORTED = {
  "packages/core": ["Env", "StackFileVersion", "StackTags"],
  "packages/conformance": [],
};

/** Source entry points of a package, one per subpath export: `./dist/x.d.ts` → `src/x.ts`. */
export function entryPointsOf(packageDir) {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  const exportsField = typeof manifest.exports === "string" ? { ".": manifest.exports } : (manifest.exports ?? {});
  const entries = [];
  for (const [subpath, target] of Object.entries(exportsField)) {
    if (subpath === "./package.json") continue;
    const types = typeof target === "string" ? target : (target?.types ?? target?.default ?? target?.import);
    if (typeof types !== "string") throw new Error(`${manifest.name}: exports["${subpath}"] has no types target to document`);
    const source = types.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$/, ".ts").replace(/\.js$/, ".ts");
    const file = join(packageDir, source);
    if (!existsSync(file)) throw new Error(`${manifest.name}: exports["${subpath}"] → ${types}, but its source ${source} does not exist`);
    entries.push({ subpath, file });
  }
  if (entries.length === 0) throw new Error(`${manifest.name}: no exports to document`);
  return { name: manifest.name, entries };
}

async function documentPackage(packageDir, out, check) {
  const { name, entries } = entryPointsOf(packageDir);
  const app = await Application.bootstrapWithPlugins({
    name,
    entryPoints: entries.map((entry) => entry.file),
    entryPointStrategy: "resolve",
    tsconfig: join(packageDir, "tsconfig.json"),
    plugin: ["typedoc-plugin-markdown"],
    out,
    readme: "none",
    // No source links: they would name a commit and change on every build.
    disableSources: true,
    hideGenerator: true,
    excludePrivate: true,
    excludeInternal: true,
    logLevel: LogLevel.Warn,
    treatWarningsAsErrors: check,
    validation: { notExported: true, invalidLink: true, notDocumented: false },
    intentionallyNotExported: NOT_YET_EXPORTED[relative(repoRoot, packageDir)] ?? [],
    // Members inherited from Node's types (an EventEmitter's) link to Node's documentation.
    externalSymbolLinkMappings: { "@types/node": { "*": "https://nodejs.org/api/" } },
  });
  const project = await app.convert();
  if (project === undefined) throw new Error(`${name}: TypeDoc could not convert the sources (see the errors above)`);
  app.validate(project);
  if (check && (app.logger.hasErrors() || app.logger.hasWarnings())) {
    throw new Error(`${name}: TypeDoc reported problems (above); fix the TSDoc or the exports`);
  }
  await app.generateOutputs(project);
  if (app.logger.hasErrors()) throw new Error(`${name}: TypeDoc failed to write ${out}`);
  return { name, entries: entries.map((entry) => `${entry.subpath} ← ${relative(repoRoot, entry.file)}`), out };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const outIndex = args.indexOf("--out");
  const outRoot = outIndex >= 0 ? args[outIndex + 1] : join(repoRoot, "docs", "api");
  if (outRoot === undefined) throw new Error("--out needs a directory");
  const packagesIndex = args.indexOf("--packages");
  const packages = packagesIndex >= 0 ? (args[packagesIndex + 1] ?? "").split(",").filter(Boolean) : API_PACKAGES;
  for (const dir of packages) {
    const out = join(outRoot, dir.split("/").pop());
    rmSync(out, { recursive: true, force: true });
    const done = await documentPackage(resolve(repoRoot, dir), out, check);
    console.log(`${done.name}: ${done.entries.join(", ")} → ${relative(process.cwd(), done.out) || "."}`);
  }
}
