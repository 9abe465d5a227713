#!/usr/bin/env node
// Prints the public surface of the published packages: for every entry point in a package's
// `exports`, the names it exports, sorted, each marked `value` (present when the built entry is
// imported) or `type` (declared in its .d.ts only). Reads `dist/`, so build first.
//
//   node scripts/public-surface.mjs            every published package under packages/ and apps/
//   node scripts/public-surface.mjs core cli   only these (directory names)
//
// Used to record the before and after of a change to what a package exports.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const only = new Set(process.argv.slice(2));

const packages = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, group, entry.name, "package.json")))
    .map((entry) => join(root, group, entry.name)),
);

const entries = [];
for (const dir of packages) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (manifest.private || manifest.exports === undefined) continue;
  if (only.size > 0 && !only.has(dir.slice(dir.lastIndexOf("/") + 1))) continue;
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target !== "object" || target.default === undefined) continue;
    entries.push({ dir, name: manifest.name, subpath, target });
  }
}

// One compiler program over every entry's .d.ts (one per entry is many times slower).
const program = ts.createProgram(
  entries.flatMap(({ dir, target }) => (target.types === undefined ? [] : [join(dir, target.types)])),
  { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
);
const checker = program.getTypeChecker();

/** The names a `.d.ts` exports, as the compiler resolves them (re-exports followed). */
function declaredNames(file) {
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) return [];
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.getName());
}

let total = 0;
for (const { dir, name, subpath, target } of entries) {
  const values = new Set(Object.keys(await import(pathToFileURL(join(dir, target.default)).href)));
  const names = new Set([...values, ...(target.types === undefined ? [] : declaredNames(join(dir, target.types)))]);
  const sorted = [...names].sort();
  total += sorted.length;
  console.log(`## ${name}${subpath === "." ? "" : subpath.slice(1)} (${sorted.length} names: ${values.size} values, ${sorted.length - values.size} types)`);
  for (const exported of sorted) console.log(`${exported}\t${values.has(exported) ? "value" : "type"}`);
  console.log("");
}
console.log(`# ${total} names in all`);
