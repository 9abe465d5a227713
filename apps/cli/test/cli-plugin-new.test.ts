import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `cairn plugin new`, run as a user would (the built CLI), into a directory outside the
// repository; then the generated package is built and its own tests run with @cairn/core and
// @cairn/conformance installed from their packed tarballs — what npm would download — so the
// test proves the template passes as generated against the published API only. Their third-party
// dependencies (yaml, vitest, typescript, …) are linked from this workspace's install instead of
// fetched, which changes nothing about the @cairn code under test. Break the template (e.g. make
// the store's `put` ignore `ifMatch`) and the generated suite fails here.

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(REPO, "apps", "cli", "bin", "cairn.js");
const scratch: string[] = [];
let tarballs: string;

/** Packs a workspace package with pnpm (as `pnpm publish` would) and returns the tarball path. */
async function pack(packageDir: string, into: string): Promise<string> {
  const before = new Set(await readdir(into));
  await run("pnpm", ["pack", "--pack-destination", into], { cwd: packageDir });
  const created = (await readdir(into)).find((name) => !before.has(name) && name.endsWith(".tgz"));
  if (created === undefined) throw new Error(`pnpm pack wrote no tarball for ${packageDir}`);
  return join(into, created);
}

/** Unpacks `tarball` into `nodeModules/<its name>` as npm does, returning its manifest. */
async function unpack(tarball: string, nodeModules: string): Promise<{ name: string; dependencies?: Record<string, string> }> {
  const manifest = JSON.parse((await run("tar", ["-xzOf", tarball, "package/package.json"])).stdout) as { name: string; dependencies?: Record<string, string> };
  const target = join(nodeModules, manifest.name);
  await mkdir(target, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  return manifest;
}

/** Links `nodeModules/<name>` to the copy of `name` the workspace installed for `fromDir`. */
async function linkInstalled(name: string, fromDir: string, nodeModules: string): Promise<void> {
  const source = await realpath(join(fromDir, "node_modules", name));
  await mkdir(dirname(join(nodeModules, name)), { recursive: true });
  await symlink(source, join(nodeModules, name), "dir");
}

function cli(args: string[], cwd: string) {
  return run(process.execPath, [CLI, ...args], { cwd }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? "", stderr: error.stderr ?? "" }),
  );
}

/** The environment of a user's shell: none of this vitest run's own variables leak into the child's. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST$|NODE_ENV$|NODE_OPTIONS$|npm_)/.test(key)));
}

beforeAll(async () => {
  tarballs = await mkdtemp(join(tmpdir(), "cairn-plugin-new-tarballs-"));
  scratch.push(tarballs);
});
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshDir(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), "cairn-plugin-new-"));
  scratch.push(parent);
  return parent;
}

describe("cairn plugin new", () => {
  it("generates a package whose conformance tests pass as generated, against the packed @cairn/core and @cairn/conformance", { timeout: 300_000 }, async () => {
    const parent = await freshDir();
    const dir = join(parent, "acme-backend");
    const created = await cli(["plugin", "new", dir, "--scheme", "acme"], parent);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("Created cairn-backend-acme (acme://)");

    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
      name: string;
      peerDependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const core = JSON.parse(await readFile(join(REPO, "packages", "core", "package.json"), "utf8")) as { version: string };
    expect(manifest.name).toBe("cairn-backend-acme");
    expect(manifest.devDependencies["@cairn/core"]).toBe(`^${core.version}`);
    expect(manifest.devDependencies["@cairn/conformance"]).toBe(`^${core.version}`);
    expect(manifest.peerDependencies["@cairn/core"]).toMatch(new RegExp(`^(>=|\\^)${core.version.replaceAll(".", "\\.")}`));

    // "npm install", from the tarballs for @cairn/*, from the workspace's install for the rest.
    const nodeModules = join(dir, "node_modules");
    for (const pkg of ["core", "conformance"]) {
      const packed = await unpack(await pack(join(REPO, "packages", pkg), tarballs), nodeModules);
      for (const dep of Object.keys(packed.dependencies ?? {})) await linkInstalled(dep, join(REPO, "packages", pkg), nodeModules);
    }
    for (const dep of Object.keys(manifest.devDependencies).filter((name) => !name.startsWith("@cairn/"))) await linkInstalled(dep, REPO, nodeModules);
    await mkdir(join(nodeModules, ".bin"));
    await symlink("../typescript/bin/tsc", join(nodeModules, ".bin", "tsc"));
    await symlink("../vitest/vitest.mjs", join(nodeModules, ".bin", "vitest"));

    const env = userEnv();
    await run("npm", ["run", "build"], { cwd: dir, env });
    const results = join(dir, "results.json");
    const tested = await run("npm", ["test", "--", "--reporter=json", `--outputFile=${results}`], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }).then(
      () => "passed",
      (error: { stdout?: string; stderr?: string }) => `failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`,
    );
    const report = JSON.parse(await readFile(results, "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: Array<{ assertionResults: Array<{ fullName: string; status: string }> }>;
    };
    const failed = report.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === "failed").map((test) => test.fullName));
    expect(failed).toEqual([]);
    expect(tested).toBe("passed");
    expect(report.numFailedTests).toBe(0);
    const passed = report.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === "passed").map((test) => test.fullName));
    expect(report.numPassedTests).toBeGreaterThan(30);
    for (const suite of ["StateStore conformance", "core over the store", "StateBackend conformance", "lock race", "plugin package"]) {
      expect(passed.filter((name) => name.includes(suite)).length, `passed tests in "${suite}"`).toBeGreaterThan(0);
    }
  });

  it("names a scoped package and says how a project maps the scheme to it", async () => {
    const parent = await freshDir();
    const dir = join(parent, "scoped");
    const created = await cli(["plugin", "new", dir, "--scheme", "git+ssh", "--name", "@acme/cairn-backend"], parent);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('cairn.backends: { git+ssh: "@acme/cairn-backend" }');
    const readme = await readFile(join(dir, "README.md"), "utf8");
    expect(readme).toContain('git+ssh: "@acme/cairn-backend"');
    expect(await readFile(join(dir, "src", "index.ts"), "utf8")).toContain('schemes: ["git+ssh"]');
  });

  it("refuses a non-empty directory, an invalid scheme or name, and a built-in scheme, writing nothing", async () => {
    const parent = await freshDir();
    const occupied = join(parent, "occupied");
    await mkdir(occupied);
    await writeFile(join(occupied, "keep.txt"), "mine");
    const cases: Array<{ args: string[]; message: RegExp }> = [
      { args: ["plugin", "new", occupied, "--scheme", "acme"], message: /is not empty; nothing was written/ },
      { args: ["plugin", "new", join(parent, "a"), "--scheme", "Ac me"], message: /"Ac me" is not a URL scheme/ },
      { args: ["plugin", "new", join(parent, "b"), "--scheme", "acme:"], message: /"acme:" is not a URL scheme/ },
      { args: ["plugin", "new", join(parent, "c"), "--scheme", "s3"], message: /s3:\/\/ is served by cairn's own @cairn\/backend-s3/ },
      { args: ["plugin", "new", join(parent, "d"), "--scheme", "acme", "--name", "Not A Name"], message: /is not a valid npm package name/ },
    ];
    for (const { args, message } of cases) {
      const result = await cli(args, parent);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(message);
    }
    expect((await readdir(parent)).sort()).toEqual(["occupied"]);
    expect(await readdir(occupied)).toEqual(["keep.txt"]);
  });
});
