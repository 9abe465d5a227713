#!/usr/bin/env node
// What would `changeset version` do to the version numbers? Runs it for real, on a throwaway copy
// of the workspace's manifests (every package.json, CHANGELOG.md, pnpm-workspace.yaml and
// .changeset/), so the repository and its pending changesets are untouched. Prints each package's
// version before → after and fails (exit 1) when the plan breaks the release policy:
//   - a package jumps a major version (0.x → 1.0.0 included) though no changeset asks for a major
//     on it — the peer-dependency cascade this guards against turned every minor into 1.0.0;
//   - after versioning, a workspace dependency range (peer or runtime) no longer admits the
//     version of the package it names — publishing that would ship an unsatisfiable peer.
//
// Usage: node scripts/release-dry-run.mjs [--changesets <dir>] [--json]
//   --changesets <dir>  use the .md changesets in <dir> instead of the repository's (tests use
//                       synthetic sets); the repository's .changeset/config.json is always used.
//   --json              print the result as JSON instead of a table.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const semver = require("semver");
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUMPS = ["none", "patch", "minor", "major"];

function parseArgs(argv) {
  const options = { changesets: join(repoRoot, ".changeset"), json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--json") options.json = true;
    else if (argv[i] === "--changesets" && argv[i + 1] !== undefined) options.changesets = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}; usage: release-dry-run.mjs [--changesets <dir>] [--json]`);
  }
  return options;
}

/** Package directories named by pnpm-workspace.yaml (only `dir/*` globs, which is all this repo uses). */
function workspaceDirs() {
  const yaml = readFileSync(join(repoRoot, "pnpm-workspace.yaml"), "utf8");
  const globs = [...yaml.matchAll(/^\s*-\s*["']?([^"'\n]+?)["']?\s*$/gm)].map((m) => m[1]);
  return globs.flatMap((glob) => {
    if (!glob.endsWith("/*") || glob.slice(0, -2).includes("*")) throw new Error(`pnpm-workspace.yaml: cannot expand ${glob} (only "dir/*" is supported)`);
    const parent = glob.slice(0, -2);
    return readdirSync(join(repoRoot, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(repoRoot, parent, entry.name, "package.json")))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

/** The highest bump each changeset file in `dir` asks for, per package (frontmatter `"pkg": type`). */
function requestedBumps(dir) {
  const requested = {};
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".md") && name !== "README.md")) {
    const frontmatter = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, file), "utf8"))?.[1] ?? "";
    for (const [, name, type] of frontmatter.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(patch|minor|major|none)\s*$/gm)) {
      if (BUMPS.indexOf(type) > BUMPS.indexOf(requested[name] ?? "none")) requested[name] = type;
    }
  }
  return requested;
}

function readManifests(root, dirs) {
  return Object.fromEntries(dirs.map((dir) => [dir, JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))]));
}

/** The range a `workspace:` specifier stands for once published, given the named package's version. */
function publishedRange(specifier, version) {
  const range = specifier.replace(/^workspace:/, "");
  if (range === "*") return version;
  if (range === "^" || range === "~") return `${range}${version}`;
  return range;
}

export function releaseDryRun({ changesets }) {
  const dirs = workspaceDirs();
  const scratch = mkdtempSync(join(tmpdir(), "cairn-release-dry-run-"));
  try {
    for (const file of ["package.json", "pnpm-workspace.yaml"]) copyFileSync(join(repoRoot, file), join(scratch, file));
    for (const dir of dirs) {
      mkdirSync(join(scratch, dir), { recursive: true });
      for (const file of ["package.json", "CHANGELOG.md"]) {
        if (existsSync(join(repoRoot, dir, file))) copyFileSync(join(repoRoot, dir, file), join(scratch, dir, file));
      }
    }
    mkdirSync(join(scratch, ".changeset"));
    copyFileSync(join(repoRoot, ".changeset", "config.json"), join(scratch, ".changeset", "config.json"));
    for (const file of readdirSync(changesets).filter((name) => name.endsWith(".md"))) {
      copyFileSync(join(changesets, file), join(scratch, ".changeset", file));
    }
    // The changelog generator named in config.json is resolved from the scratch copy.
    symlinkSync(join(repoRoot, "node_modules"), join(scratch, "node_modules"), "dir");

    const before = readManifests(scratch, dirs);
    const cli = join(repoRoot, "node_modules", "@changesets", "cli", "bin.js");
    execFileSync(process.execPath, [cli, "version"], { cwd: scratch, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } });
    const after = readManifests(scratch, dirs);

    const requested = requestedBumps(changesets);
    const versions = Object.fromEntries(dirs.map((dir) => [after[dir].name, after[dir].version]));
    const packages = [];
    const violations = [];
    for (const dir of dirs) {
      const { name, private: isPrivate } = before[dir];
      const from = before[dir].version;
      const to = after[dir].version;
      const bump = from === to ? "none" : semver.diff(from, to);
      const changelog = existsSync(join(scratch, dir, "CHANGELOG.md")) ? readFileSync(join(scratch, dir, "CHANGELOG.md"), "utf8") : undefined;
      const wanted = requested[name] ?? "none";
      const ranges = {};
      packages.push({ name, dir, private: Boolean(isPrivate), from, to, bump, requested: wanted, ranges, changelog: changelog?.slice(0, 4000) });
      if (semver.major(to) > semver.major(from) && wanted !== "major") {
        violations.push(`${name} jumps ${from} → ${to} (a major) but its changesets ask for ${wanted === "none" ? "no release" : `a ${wanted}`}`);
      }
      for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
        for (const [dep, specifier] of Object.entries(after[dir][field] ?? {})) {
          if (versions[dep] === undefined || !specifier.startsWith("workspace:")) continue;
          const range = publishedRange(specifier, versions[dep]);
          ranges[dep] = range;
          if (!semver.satisfies(versions[dep], range)) {
            violations.push(`${name}'s ${field} range ${JSON.stringify(range)} for ${dep} does not admit ${dep}@${versions[dep]}`);
          }
        }
      }
    }
    return { packages, violations };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function printTable({ packages, violations }) {
  const width = Math.max(...packages.map((p) => p.name.length));
  for (const p of packages) {
    if (p.private) continue;
    const change = p.from === p.to ? `${p.from} (unchanged)` : `${p.from} → ${p.to} (${p.bump})`;
    console.log(`${p.name.padEnd(width)}  ${change.padEnd(28)}  changesets: ${p.requested}`);
  }
  for (const violation of violations) console.error(`release policy broken: ${violation}`);
  if (violations.length > 0) console.error("fix .changeset/config.json or the peer ranges (see RELEASING.md) before releasing");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const result = releaseDryRun(options);
  if (options.json) console.log(JSON.stringify(result, null, 2));
  else printTable(result);
  process.exitCode = result.violations.length > 0 ? 1 : 0;
}
