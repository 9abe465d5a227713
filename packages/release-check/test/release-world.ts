import { execFile, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
/** `node --import` hook that writes every module URL the process resolved to `$CAIRN_TRACE_IMPORTS` (the bench's). */
export const TRACE_IMPORTS = fileURLToPath(new URL("../../../bench/trace-imports.mjs", import.meta.url));

/** A publishable workspace package: what `pnpm pack` packs and a user installs. */
export interface Publishable {
  name: string;
  dir: string;
}

/** Every package under packages/ and apps/ not marked private. */
export function publishablePackages(): Publishable[] {
  const found: Publishable[] = [];
  for (const group of ["packages", "apps"]) {
    for (const entry of readdirSync(join(REPO, group))) {
      const manifestFile = join(REPO, group, entry, "package.json");
      if (!existsSync(manifestFile)) continue;
      const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { name: string; private?: boolean };
      if (!manifest.private) found.push({ name: manifest.name, dir: join(REPO, group, entry) });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * One temp directory outside the repository for the whole run: the tarballs, npm's own user
 * config, the install prefixes, and the user's PULUMI_HOME and project.
 */
export interface World {
  root: string;
  tarballs: Map<string, string>;
  npmrc: string;
  sizes: Record<string, { kilobytes: number; packages: number }>;
}

export function createWorld(): World {
  const root = mkdtempSync(join(tmpdir(), "cairn-release-"));
  const npmrc = join(root, "npmrc");
  // `@cairn/*` must come from the tarballs only: its registry is a port nothing listens on, so a
  // lookup there fails at once instead of finding someone else's package of that name.
  writeFileSync(npmrc, "@cairn:registry=http://127.0.0.1:9/\nfund=false\naudit=false\nupdate-notifier=false\nfetch-retry-maxtimeout=15000\n");
  return { root, tarballs: new Map(), npmrc, sizes: {} };
}

/** `pnpm pack` of every publishable package into `<root>/tarballs`, two at a time; name → tarball path. */
export async function packAll(world: World): Promise<void> {
  const destination = join(world.root, "tarballs");
  mkdirSync(destination);
  const filters = publishablePackages().flatMap(({ name }) => ["--filter", name]);
  await run("pnpm", ["-r", "--workspace-concurrency=2", ...filters, "pack", "--pack-destination", destination], { cwd: REPO, maxBuffer: 16 << 20 });
  for (const file of readdirSync(destination)) {
    const manifest = publishablePackages().find(({ name }) => file === `${name.replace(/^@/, "").replace("/", "-")}-${packageVersion(name)}.tgz`);
    if (manifest !== undefined) world.tarballs.set(manifest.name, join(destination, file));
  }
}

function packageVersion(name: string): string {
  const found = publishablePackages().find((p) => p.name === name);
  return (JSON.parse(readFileSync(join(found?.dir ?? "", "package.json"), "utf8")) as { version: string }).version;
}

/** How this machine reaches the registry (a proxy, an extra CA): passed on, nothing else of its environment is. */
const NETWORK_ENV = ["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"];

/** The environment npm and the installed CLI run with: npm's user config replaced by the world's. */
export function npmEnv(world: World, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(NETWORK_ENV.map((name) => [name, process.env[name]])),
    PATH: process.env.PATH,
    HOME: join(world.root, "user"),
    NPM_CONFIG_USERCONFIG: world.npmrc,
    // The machine's npm cache (content-addressed, safe to share): reruns do not download the SDKs again.
    NPM_CONFIG_CACHE: process.env.npm_config_cache ?? join(homedir(), ".npm"),
    npm_config_nodedir: process.env.npm_config_nodedir,
    ...extra,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env as Record<string, string>;
}

/**
 * `npm install` of `packages` (names of packed packages) into a fresh prefix `<root>/<name>`, as a
 * user's `npm install <package>` would lay them out, with every `@cairn/*` dependency overridden to
 * its tarball. Returns the prefix.
 */
export async function installFromTarballs(world: World, name: string, packages: string[]): Promise<string> {
  const prefix = join(world.root, name);
  mkdirSync(prefix);
  const spec = (pkg: string) => `file:${world.tarballs.get(pkg) ?? `(no tarball for ${pkg})`}`;
  const overrides = Object.fromEntries([...world.tarballs.keys()].filter((pkg) => !packages.includes(pkg)).map((pkg) => [pkg, spec(pkg)]));
  writeFileSync(join(prefix, "package.json"), JSON.stringify({ name, private: true, dependencies: Object.fromEntries(packages.map((pkg) => [pkg, spec(pkg)])), overrides }, null, 2));
  await run("npm", ["install", "--no-progress"], { cwd: prefix, env: npmEnv(world), maxBuffer: 16 << 20 });
  return prefix;
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The installed `cairn` (its `.bin` link, as a shell would find it) in the world's project. */
export function runCairn(world: World, prefix: string, args: string[], env: Record<string, string | undefined> = {}): CliResult {
  const project = join(world.root, "project");
  if (!existsSync(project)) {
    mkdirSync(project);
    writeFileSync(join(project, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
  }
  const result = spawnSync(join(prefix, "node_modules", ".bin", "cairn"), args, {
    cwd: project,
    encoding: "utf8",
    env: npmEnv(world, { PULUMI_HOME: join(world.root, "pulumi-home"), PULUMI_CONFIG_PASSPHRASE: "release check", ...env }),
    timeout: 170_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `du -sk` of the directories together (a symlink counted as itself, as du does). */
export function kilobytes(...dirs: string[]): number {
  const out = spawnSync("du", ["-skc", ...dirs], { encoding: "utf8" }).stdout.trim().split("\n").at(-1) ?? "";
  return Number.parseInt(out, 10);
}

/** Installed packages: every directory with a package.json directly in a node_modules (scopes opened), nested ones too. */
export function countPackages(nodeModules: string): number {
  let count = 0;
  if (!existsSync(nodeModules)) return 0;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith(".")) continue;
    const dirs = entry.startsWith("@") ? readdirSync(join(nodeModules, entry)).map((child) => join(nodeModules, entry, child)) : [join(nodeModules, entry)];
    for (const dir of dirs) {
      if (lstatSync(dir).isSymbolicLink() || !existsSync(join(dir, "package.json"))) continue;
      count += 1 + countPackages(join(dir, "node_modules"));
    }
  }
  return count;
}

/** Real (not symlinked) `@cairn/core` package directories anywhere under `dirs`. */
export function coreCopies(...dirs: string[]): string[] {
  const copies: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const child = join(dir, entry.name);
      if (entry.name === "core" && dir.endsWith(join("node_modules", "@cairn")) && existsSync(join(child, "package.json"))) copies.push(child);
      walk(child);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return copies;
}
