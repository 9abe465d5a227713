#!/usr/bin/env node
// Bundles the package in the current directory with esbuild, after `tsc -b` has written its
// declarations: every entry a user or a bin script can load becomes one ESM file in dist/ (plus
// chunks shared between entries, so all entries share one copy of every class), and start-up
// reads a handful of files instead of one per source module.
//
// Entries are read, never listed here: each `exports` target "./dist/X.js" is built from
// "src/X.ts", and so is each "../dist/X.js" a `bin` script imports. A new subpath export (such as
// core's "./driver") is bundled without touching this script.
//
// Every bare import stays EXTERNAL: @cairn/* packages above all — a plugin loaded by `import()`
// must see the CLI's own @cairn/core, and an inline copy would be a second `CairnError` class that
// `instanceof` does not recognise — and npm dependencies too, except those the package lists in
// `--inline <name>` (a dependency of many small CommonJS files that every command loads, such as
// yaml's 72 or commander's 8, read as one file instead; it then is a devDependency). The build
// fails if any other input is not this package's own source, so an inline @cairn/* copy cannot
// slip in.
import { readFileSync, readdirSync, rmSync, existsSync, writeFileSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";

const packageDir = process.cwd();
const inline = new Set(process.argv.slice(2).flatMap((arg, i, args) => (args[i - 1] === "--inline" ? [arg] : [])));
for (const name of inline) if (name.startsWith("@cairn/")) throw new Error(`--inline ${name}: @cairn/* packages must stay external (one shared instance per process)`);
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const outdir = join(packageDir, "dist");

/** "./dist/a/b.js" → "src/a/b.ts"; anything else (package.json, a .d.ts) is not an entry. */
function sourceOf(distPath) {
  const match = /^(?:\.\/)?dist\/(.+)\.js$/.exec(distPath);
  return match === null ? undefined : `src/${match[1]}.ts`;
}

/** The `import`/`default` target of one exports value, following Node's condition order. */
function runtimeTarget(value) {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  for (const [condition, target] of Object.entries(value)) {
    if (condition === "types") continue;
    if (["node", "import", "module-sync", "default"].includes(condition)) return runtimeTarget(target);
  }
  return undefined;
}

function exportEntries(exports) {
  if (exports === undefined) return [];
  const isSubpathMap = typeof exports === "object" && exports !== null && Object.keys(exports).some((key) => key.startsWith("."));
  const values = isSubpathMap ? Object.values(exports) : [exports];
  return values.map(runtimeTarget).filter((target) => target !== undefined);
}

function binEntries(bin) {
  const scripts = typeof bin === "string" ? [bin] : Object.values(bin ?? {});
  return scripts.flatMap((script) => {
    const text = readFileSync(join(packageDir, script), "utf8");
    return [...text.matchAll(/["']\.\.\/(dist\/[^"']+\.js)["']/g)].map((match) => match[1]);
  });
}

const entries = [...new Set([...exportEntries(manifest.exports), ...binEntries(manifest.bin)].map(sourceOf).filter(Boolean))].sort();
for (const entry of entries) {
  if (!existsSync(join(packageDir, entry))) {
    throw new Error(`${manifest.name}: ${entry} does not exist, but package.json exports or a bin script load the file built from it`);
  }
}
if (entries.length === 0) throw new Error(`${manifest.name}: no entry to bundle (no "./dist/*.js" in exports or bin)`);

/** "@scope/name/sub" → "@scope/name", "name/sub" → "name". */
const packageName = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
const externalPackages = {
  name: "external-packages",
  setup(esbuild) {
    // Bare specifiers only (not "./x", "/abs"): built-ins and packages, external unless inlined.
    esbuild.onResolve({ filter: /^[^./]/ }, (args) => (inline.has(packageName(args.path)) ? undefined : { path: args.path, external: true }));
  },
};

const result = await build({
  absWorkingDir: packageDir,
  entryPoints: entries,
  outdir,
  outbase: "src",
  bundle: true,
  // Shared code in chunks beside the entries (not in a subfolder: modules that find their package
  // by `dirname(dirname(import.meta.url))` keep working from any output file).
  splitting: true,
  chunkNames: "chunk-[hash]",
  format: "esm",
  platform: "node",
  target: "node20.19",
  plugins: [externalPackages],
  // CommonJS inlined into an ESM file still calls require() for Node's built-ins.
  ...(inline.size > 0 ? { banner: { js: 'import { createRequire as __cairnCreateRequire } from "node:module";\nconst require = __cairnCreateRequire(import.meta.url);' } } : {}),
  sourcemap: true,
  metafile: true,
  // Checked below before anything is written: a refused bundle leaves the previous dist/ as it was.
  write: false,
  logLevel: "warning",
});

const srcDir = resolve(packageDir, "src");
const inlinedFrom = (input) => [...inline].some((name) => input.includes(`/node_modules/${name}/`));
const foreign = Object.keys(result.metafile.inputs).filter((input) => relative(srcDir, resolve(packageDir, input)).startsWith("..") && !inlinedFrom(input));
if (foreign.length > 0) {
  throw new Error(`${manifest.name}: the bundle would inline code that is not this package's source: ${foreign.join(", ")}`);
}
// Each file replaced whole (written aside, then renamed over): a CLI spawned during a rebuild reads
// the old file or the new one, never half of one.
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  const aside = `${file.path}.${process.pid}.tmp`;
  writeFileSync(aside, file.contents);
  renameSync(aside, file.path);
}

// tsc writes only declarations here (emitDeclarationOnly); JavaScript left by an older build (or a
// chunk of the previous bundle) would ship beside the bundle, so it goes. Removed after the new
// files are written, not before, so a CLI spawned meanwhile never finds its entry missing.
const written = new Set(result.outputFiles.map((file) => file.path));
function removeStaleJavaScript(directory) {
  for (const item of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, item.name);
    if (item.isDirectory()) removeStaleJavaScript(path);
    else if (/\.js(\.map)?$/.test(item.name) && !written.has(path)) rmSync(path);
  }
}
removeStaleJavaScript(outdir);

// An inlined package's licence travels with its code (MIT/ISC ask for the notice in every copy).
const notices = join(outdir, "THIRD-PARTY-NOTICES.txt");
rmSync(notices, { force: true });
if (inline.size > 0) writeFileSync(notices, [...inline].sort().map(noticeOf).join("\n\n"));

function noticeOf(name) {
  // Its directory as the bundle met it (its exports map may not expose package.json to resolve).
  const marker = `/node_modules/${name}/`;
  const input = Object.keys(result.metafile.inputs).find((file) => file.includes(marker));
  if (input === undefined) throw new Error(`${manifest.name}: --inline ${name}: the bundle does not use it; drop the flag`);
  const dir = resolve(packageDir, input.slice(0, input.indexOf(marker) + marker.length));
  const { version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((item) => /^(licen[cs]e|copying)/i.test(item));
  if (file === undefined) throw new Error(`${manifest.name}: --inline ${name}: no LICENSE file in ${dir} to ship with its code`);
  return `${name}@${version} (${license}), bundled into dist/:\n\n${readFileSync(join(dir, file), "utf8").trim()}`;
}

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith(".js"));
const kilobytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0) / 1024;
console.log(`${manifest.name}: bundled ${entries.join(", ")} into ${outputs.length} files (${kilobytes.toFixed(0)} KB)`);
