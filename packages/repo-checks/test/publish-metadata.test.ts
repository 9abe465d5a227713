import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicPackages, readJson, repoRoot, type Manifest } from "./repo.js";

// Packs every public package as `pnpm publish` would (dist must be built: the test suite's
// bootstrap builds) and checks what a user would download. Put `dist/.tsbuildinfo` back into a
// tarball (drop "!dist/.tsbuildinfo" from a package's `files`) or pin a runtime dependency
// exactly, and this fails.

const run = promisify(execFile);
const ALLOWED = [/^dist\//, /^CHECKS\.md$/, /^src\//, /^bin\//, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/, /^package\.json$/];
const FORBIDDEN = [/\.tsbuildinfo$/, /(^|\/)test\//, /\.test\.[cm]?[jt]s$/, /(^|\/)tsconfig[^/]*\.json$/, /vitest\.config/];

interface Packed {
  dir: string;
  manifest: Manifest;
  files: string[];
}

let destination: string;
const packed = new Map<string, Packed>();
let rootManifest: Manifest;
let rootLicense: string;

beforeAll(async () => {
  destination = await mkdtemp(join(tmpdir(), "cairn-pack-"));
  rootManifest = await readJson(join(repoRoot, "package.json"));
  rootLicense = await readFile(join(repoRoot, "LICENSE"), "utf8");
  for (const { dir, manifest } of await publicPackages()) {
    const out = join(destination, manifest.name.replace(/[@/]/g, "_"));
    await run("pnpm", ["pack", "--pack-destination", out], { cwd: join(repoRoot, dir) });
    const [tarball] = (await readdir(out)).filter((name) => name.endsWith(".tgz"));
    if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`);
    const listing = (await run("tar", ["-tzf", join(out, tarball)])).stdout.split("\n").filter(Boolean);
    const packedManifest = JSON.parse((await run("tar", ["-xzOf", join(out, tarball), "package/package.json"])).stdout) as Manifest;
    packed.set(manifest.name, { dir, manifest: packedManifest, files: listing.map((f) => f.replace(/^package\//, "")) });
  }
}, 300_000);

afterAll(async () => {
  if (destination) await rm(destination, { recursive: true, force: true });
});

describe("every public package publishes cleanly", () => {
  it("the root LICENSE is the Apache License 2.0", () => {
    expect(rootLicense).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });

  it("finds the public packages", () => {
    expect([...packed.keys()]).toEqual(expect.arrayContaining(["@cairn/core", "@cairn/conformance", "@cairn/backend-file", "@cairn/cli"]));
  });

  it("ships LICENSE, README and only built or source files — no .tsbuildinfo, tests, tsconfig or vitest config", async () => {
    for (const [name, { dir, files }] of packed) {
      expect(files, name).toContain("LICENSE");
      expect(files, name).toContain("README.md");
      expect(files.some((f) => f.startsWith("dist/")), `${name} ships dist/`).toBe(true);
      expect(files.filter((f) => !ALLOWED.some((re) => re.test(f))), `${name}: files outside dist/src/bin`).toEqual([]);
      expect(files.filter((f) => FORBIDDEN.some((re) => re.test(f))), `${name}: build or test files`).toEqual([]);
      expect(await readFile(join(repoRoot, dir, "LICENSE"), "utf8"), `${dir}/LICENSE is the root LICENSE`).toBe(rootLicense);
    }
  });

  it("declares repository (with its directory), homepage, bugs, engines and public access", () => {
    const urls = new Set<string>();
    for (const [name, { dir, manifest }] of packed) {
      expect(manifest.license, name).toBe("Apache-2.0");
      expect(manifest.repository?.type, name).toBe("git");
      expect(manifest.repository?.directory, name).toBe(dir);
      urls.add(manifest.repository?.url ?? "");
      expect(manifest.homepage, name).toMatch(new RegExp(`/${dir}#readme$`));
      expect(manifest.bugs?.url, name).toMatch(/^https:\/\/.+\/issues$/);
      expect(manifest.engines?.node, name).toBe(rootManifest.engines?.node);
      if (name.startsWith("@")) expect(manifest.publishConfig?.access, name).toBe("public");
    }
    expect(urls.size, "one repository URL for all packages").toBe(1);
  });

  it("runtime dependencies are caret ranges, workspace ranges are resolved, and peer ranges admit the workspace's core", async () => {
    const core = await readJson(join(repoRoot, "packages", "core", "package.json"));
    for (const [name, { manifest }] of packed) {
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        expect(range, `${name} → ${dep}`).toMatch(/^\^\d/);
      }
      for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        expect(range, `${name} → ${dep} must not publish a workspace: range`).not.toMatch(/^workspace:/);
      }
      const corePeer = manifest.peerDependencies?.["@cairn/core"];
      if (corePeer !== undefined) expect(semver.satisfies(core.version, corePeer), `${name} peer ${corePeer} admits core ${core.version}`).toBe(true);
    }
  });
});
