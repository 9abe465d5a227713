import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "@cairn/test-servers/s3";
import { BUILTIN_BACKEND_PACKAGES } from "@cairn/core";
import {
  coreCopies,
  countPackages,
  createWorld,
  installFromTarballs,
  kilobytes,
  packAll,
  publishablePackages,
  REPO,
  runCairn,
  TRACE_IMPORTS,
  type World,
} from "./release-world.js";

/**
 * cairn as a user installs it, step by step (each `it` builds on the ones before; append a step
 * as one more `it`). Everything happens in one temp directory outside the repository.
 */
const SIZES_FILE = join(tmpdir(), "cairn-release-sizes.json");

let world: World;
let slim: string;
let s3: S3TestServer | undefined;
beforeAll(() => {
  world = createWorld();
});
afterAll(async () => {
  await s3?.stop();
  writeFileSync(SIZES_FILE, `${JSON.stringify(world.sizes, null, 2)}\n`);
  console.log(`install sizes (du -sk, packages), also in ${SIZES_FILE}:\n${JSON.stringify(world.sizes, null, 2)}`);
  rmSync(world.root, { recursive: true, force: true });
});

const pluginDir = () => join(world.root, "pulumi-home", "cairn", "plugins");
const json = <T>(text: string): T => JSON.parse(text) as T;

describe.sequential("cairn installed from its packed tarballs", () => {
  it("packs every publishable package, with workspace: ranges rewritten", async () => {
    for (const { name, dir } of publishablePackages()) {
      expect(existsSync(join(dir, "package.json")), name).toBe(true);
    }
    await packAll(world);
    expect([...world.tarballs.keys()]).toEqual(publishablePackages().map(({ name }) => name));
    expect(world.tarballs.has("@cairn/cli-all")).toBe(true);
  });

  it("installs the slim CLI with only core and the file backend (commander is inlined in its bundle)", async () => {
    slim = await installFromTarballs(world, "slim", ["@cairn/cli"]);
    expect(readdirSync(join(slim, "node_modules", "@cairn")).sort()).toEqual(["backend-file", "cli", "core"]);
    const manifest = json<{ dependencies: Record<string, string> }>(readFileSync(join(slim, "node_modules", "@cairn", "cli", "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@cairn/backend-file", "@cairn/core"]);
    expect(JSON.stringify(manifest)).not.toContain("workspace:");
    world.sizes.slim = { kilobytes: kilobytes(join(slim, "node_modules")), packages: countPackages(join(slim, "node_modules")) };
  });

  it("runs version, login file://, stack init and stack ls", () => {
    expect(runCairn(world, slim, ["version"]).stdout.trim()).toBe(json<{ version: string }>(readFileSync(join(slim, "node_modules", "@cairn", "cli", "package.json"), "utf8")).version);
    const state = join(world.root, "state");
    const login = runCairn(world, slim, ["login", `file://${state}`]);
    expect(login.stderr).toBe("");
    expect(login.status).toBe(0);
    expect(runCairn(world, slim, ["stack", "init", "dev"]).status).toBe(0);
    expect(json<unknown[]>(runCairn(world, slim, ["stack", "ls", "--json"]).stdout)).toMatchObject([{ name: "dev", current: true }]);
  });

  it("has no s3 backend, and says exactly how to get one", () => {
    const login = runCairn(world, slim, ["login", "s3://cairn-test"]);
    expect(login.status).toBe(8);
    expect(login.stderr).toContain("no backend plugin for s3:// URLs");
    expect(login.stderr).toContain("install the plugin: `cairn plugin install s3`");
  });

  it("installs the s3 backend from its tarball with `cairn plugin install`, sharing the CLI's one core", async () => {
    const install = runCairn(world, slim, ["plugin", "install", world.tarballs.get("@cairn/backend-s3") ?? ""]);
    expect(install.stderr).toContain("› installing");
    expect(install.stderr).toMatch(/npm: added \d+ packages/);
    expect(install.status, install.stderr).toBe(0);
    const listed = json<Array<Record<string, unknown>>>(runCairn(world, slim, ["plugin", "ls", "--json"]).stdout);
    // The range pnpm published: the workspace's `workspace:<range>` without its protocol.
    const s3Manifest = json<{ peerDependencies: Record<string, string> }>(readFileSync(join(REPO, "packages", "backend-s3", "package.json"), "utf8"));
    const range = s3Manifest.peerDependencies["@cairn/core"]?.replace(/^workspace:/, "");
    expect(listed).toContainEqual(expect.objectContaining({ name: "@cairn/backend-s3", schemes: ["s3"], range, compatible: true, location: "plugins" }));

    s3 = await startS3Server();
    const endpoint = encodeURIComponent(s3.endpoint.replace(/^http:\/\//, ""));
    const credentials = { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region };
    const trace = (step: string) => ({ ...credentials, NODE_OPTIONS: `--import=${pathToFileURL(TRACE_IMPORTS).href}`, CAIRN_TRACE_IMPORTS: join(world.root, `${step}.imports`) });
    const login = runCairn(world, slim, ["login", `s3://cairn-test/state?endpoint=${endpoint}&disable_https=true&use_path_style=true`], trace("login"));
    expect(login.stderr).toBe("");
    expect(login.status).toBe(0);
    expect(runCairn(world, slim, ["stack", "init", "s3dev"], trace("init")).status).toBe(0);
    expect(json<unknown[]>(runCairn(world, slim, ["stack", "ls", "--json"], credentials).stdout)).toMatchObject([{ name: "s3dev" }]);

    // One core: one real directory on disk (the plugin directory's is a link to the CLI's), and
    // every module those processes loaded from an `@cairn/core` package — the CLI's imports and
    // the plugin's — came from it (Node resolves the link to the real path).
    const copies = coreCopies(join(slim, "node_modules"), pluginDir());
    expect(copies).toEqual([join(slim, "node_modules", "@cairn", "core")]);
    expect(realpathSync(join(pluginDir(), "node_modules", "@cairn", "core"))).toBe(realpathSync(copies[0] ?? ""));
    for (const step of ["login", "init"]) {
      const urls = readFileSync(join(world.root, `${step}.imports`), "utf8").split("\n");
      expect(urls.some((url) => url.includes("/@cairn/backend-s3/")), step).toBe(true);
      const coreRoots = new Set(urls.filter((url) => url.includes("/@cairn/core/")).map((url) => url.replace(/\/@cairn\/core\/.*$/, "/@cairn/core")));
      expect([...coreRoots], step).toEqual([pathToFileURL(realpathSync(copies[0] ?? "")).href]);
    }

    world.sizes["slim+s3"] = {
      kilobytes: kilobytes(join(slim, "node_modules"), pluginDir()),
      packages: countPackages(join(slim, "node_modules")) + countPackages(join(pluginDir(), "node_modules")),
    };
  });

  it("installs @cairn/cli-all, in which every built-in scheme resolves", async () => {
    const all = await installFromTarballs(world, "all", ["@cairn/cli-all"]);
    const home = join(world.root, "all-home");
    const listed = json<Array<{ name: string; schemes: string[]; compatible: boolean; location: string }>>(
      runCairn(world, all, ["plugin", "ls", "--json"], { PULUMI_HOME: home }).stdout,
    );
    expect(listed.every((row) => row.compatible && row.location === "bundled")).toBe(true);
    expect(listed.flatMap((row) => row.schemes).sort()).toEqual(Object.keys(BUILTIN_BACKEND_PACKAGES).sort());
    const login = runCairn(world, all, ["login", `file://${join(world.root, "all-state")}`], { PULUMI_HOME: home });
    expect(login.status, login.stderr).toBe(0);
    expect(coreCopies(join(all, "node_modules"))).toHaveLength(1);
    world.sizes.all = { kilobytes: kilobytes(join(all, "node_modules")), packages: countPackages(join(all, "node_modules")) };
  });
});
