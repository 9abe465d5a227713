import { mkdir, mkdtemp, readlink, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openBackend, PluginRegistry, pluginDirectory, type StateBackend } from "../src/index.js";
import { defineBackendPlugin, type StateStore } from "../src/driver.js";
import { CORE_PACKAGE_DIR, installPluginPackage } from "./fixtures/third-party-plugin.js";
import { cairnErrorFrom } from "./cairn-error.js";

const BACKEND_MEMORY_DIR = fileURLToPath(new URL("../../backend-memory", import.meta.url));

let root: string;
let home: string;
let projectDir: string;
let cliDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cairn-registry-"));
  home = join(root, "home");
  projectDir = join(root, "project");
  cliDir = join(root, "cli");
  await mkdir(projectDir, { recursive: true });
  await mkdir(cliDir, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("resolving a third-party plugin package", () => {
  it("loads cairn-backend-<scheme> from the project's node_modules", async () => {
    await installPluginPackage(join(projectDir, "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"] });
    const plugin = await new PluginRegistry().resolve("acme", { home, projectDir, cliDir });
    expect(plugin.meta).toEqual({ name: "cairn-backend-acme", version: "1.2.3" });
    const store = (await plugin.open(new URL("acme://x"), { home, cwd: projectDir, env: {} })) as StateStore;
    const version = await store.put("k", new Uint8Array([1, 2]));
    expect(await store.get("k")).toEqual({ bytes: new Uint8Array([1, 2]), version });
  });

  it("finds the package in cairn's plugin directory when the project lacks it", async () => {
    await installPluginPackage(join(pluginDirectory(home), "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"] });
    const plugin = await new PluginRegistry().resolve("acme", { home, projectDir, cliDir });
    expect(plugin.meta.name).toBe("cairn-backend-acme");
  });

  it("prefers the project's copy over the plugin directory's", async () => {
    await installPluginPackage(join(pluginDirectory(home), "node_modules"), { name: "@cairn/backend-acme", schemes: ["acme"] });
    await installPluginPackage(join(projectDir, "node_modules"), { name: "@cairn/backend-acme", schemes: ["acme", "acme2"] });
    const plugin = await new PluginRegistry().resolve("acme", { home, projectDir, cliDir });
    expect(plugin.schemes).toEqual(["acme", "acme2"]);
  });

  it("sanitises schemes into package names (git+ssh → cairn-backend-git-ssh)", async () => {
    await installPluginPackage(join(cliDir, "node_modules"), { name: "cairn-backend-git-ssh", schemes: ["git+ssh"] });
    const plugin = await new PluginRegistry().resolve("git+ssh", { home, cliDir });
    expect(plugin.meta.name).toBe("cairn-backend-git-ssh");
  });

  it("uses the project's cairn.backends mapping", async () => {
    await writeFile(join(projectDir, "Pulumi.yaml"), "name: shop\ncairn:\n  backends:\n    acme: '@acme/special'\n");
    await installPluginPackage(join(projectDir, "node_modules"), { name: "@acme/special", schemes: ["acme"] });
    const plugin = await new PluginRegistry().resolve("acme", { home, projectDir });
    expect(plugin.meta.name).toBe("@acme/special");
  });

  it("resolves a built-in scheme from the CLI's install, without importing packages it does not use", async () => {
    await mkdir(join(cliDir, "node_modules", "@cairn"), { recursive: true });
    await symlink(BACKEND_MEMORY_DIR, join(cliDir, "node_modules", "@cairn", "backend-memory"), "dir");
    // Importing this one would throw: finding it must not import it.
    await installPluginPackage(join(cliDir, "node_modules"), { name: "@cairn/backend-s3", schemes: ["s3"], throwOnImport: true });

    const registry = new PluginRegistry();
    const plugin = await registry.resolve("memory", { home, cliDir });
    expect(plugin.meta.name).toBe("@cairn/backend-memory");
    expect(await registry.availableSchemes({ home, cliDir })).toEqual(["memory", "s3"]);
  });
});

describe("refusing plugins", () => {
  it("refuses an apiVersion it does not implement, naming both versions", async () => {
    await installPluginPackage(join(projectDir, "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"], apiVersion: 99 });
    const error = await cairnErrorFrom(() => new PluginRegistry().resolve("acme", { home, projectDir }));
    expect(error.code).toBe("PluginIncompatible");
    expect(error.message).toMatch(/version 99.*supports version 1/);
  });

  it("refuses a package that does not handle the scheme it was found for", async () => {
    await installPluginPackage(join(projectDir, "node_modules"), { name: "cairn-backend-acme", schemes: ["other"] });
    const error = await cairnErrorFrom(() => new PluginRegistry().resolve("acme", { home, projectDir }));
    expect(error.code).toBe("PluginIncompatible");
    expect(error.message).toContain("does not handle acme://");
  });

  it("names every package tried, where, the install command and the available schemes when nothing is found", async () => {
    await installPluginPackage(join(cliDir, "node_modules"), { name: "@cairn/backend-gs", schemes: ["gs"] });
    const error = await cairnErrorFrom(() => new PluginRegistry().resolve("nope", { home, projectDir, cliDir }));
    expect(error.code).toBe("PluginNotFound");
    for (const text of ["@cairn/backend-nope", "cairn-backend-nope", projectDir, pluginDirectory(home), cliDir, "gs://"]) {
      expect(error.message).toContain(text);
    }
    expect(error.hint).toContain(`npm install --prefix ${pluginDirectory(home)} cairn-backend-nope`);
    expect(error.hint).toContain("pnpm add cairn-backend-nope");
  });
});

describe("registered plugins", () => {
  const inProcess = defineBackendPlugin({
    meta: { name: "in-process-acme", version: "0.0.1" },
    schemes: ["acme", "file"],
    async open() {
      throw new Error("not opened in this test");
    },
  });

  it("win over installed packages and the built-in table", async () => {
    await installPluginPackage(join(projectDir, "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"] });
    const registry = new PluginRegistry().register(inProcess);
    expect(await registry.resolve("acme", { home, projectDir })).toBe(inProcess);
    expect(await registry.resolve("file", { home, projectDir })).toBe(inProcess);
    expect(registry.registeredSchemes()).toEqual(["acme", "file"]);
  });

  it("cannot claim a scheme another registered plugin serves", () => {
    const registry = new PluginRegistry().register(inProcess);
    const rival = defineBackendPlugin({ ...inProcess, meta: { name: "rival", version: "1" }, schemes: ["acme"] });
    expect(() => registry.register(rival)).toThrow(/already served by in-process-acme/);
  });

  it("are checked for their apiVersion", () => {
    expect(() => new PluginRegistry().register({ ...inProcess, apiVersion: 2 })).toThrow(/version 2/);
  });
});

describe("openBackend", () => {
  it("rejects a string that is not a URL with an example", async () => {
    const error = await cairnErrorFrom(() => openBackend("my-bucket", { home, cwd: projectDir, env: {} }));
    expect(error.code).toBe("InvalidArgument");
    expect(error.hint).toContain("s3://");
  });

  it("opens the plugin's store with the stored credential and lays the backend over it", async () => {
    await installPluginPackage(join(projectDir, "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"] });
    const wrapped: { store?: StateStore; env?: unknown } = {};
    const backend = { url: "acme://x/state" } as StateBackend;
    const opened = await openBackend("acme://x/state", {
      home,
      cwd: projectDir,
      projectDir,
      env: { ACME_REGION: "north" },
      credentials: { storedToken: async (url) => (url === "acme://x/state" ? "tok-for-acme-0000" : undefined) },
      wrapStore(store, options) {
        wrapped.store = store;
        wrapped.env = options.env;
        return backend;
      },
    });
    expect(opened.plugin.meta.name).toBe("cairn-backend-acme");
    expect(opened.backend).toBe(backend);
    expect(wrapped.store?.url).toBe("acme://x/state");
    expect(wrapped.env).toEqual({ ACME_REGION: "north" });
    expect((wrapped.store as unknown as { openedWith: unknown }).openedWith).toEqual({
      home,
      cwd: projectDir,
      env: { ACME_REGION: "north" },
      storedCredential: "tok-for-acme-0000",
      urlText: "acme://x/state",
    });
  });

  it("by default lays cairn's self-managed layout over a third-party store", async () => {
    await installPluginPackage(join(projectDir, "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"] });
    const { backend } = await openBackend("acme://x/state", { home, cwd: projectDir, projectDir, env: {} });
    const ref = { organization: "organization", project: "shop", name: "dev" };
    await backend.createStack(ref);
    expect((await backend.listStacks()).map((summary) => summary.ref)).toEqual([ref]);
    await backend.close();
  });

  it("returns a plugin's own StateBackend unwrapped", async () => {
    const service = { url: "svc://x", listStacks: async () => [] } as unknown as StateBackend;
    const registry = new PluginRegistry().register(
      defineBackendPlugin({ meta: { name: "svc", version: "1" }, schemes: ["svc"], open: async () => service }),
    );
    const opened = await openBackend("svc://x", { registry, home, cwd: projectDir, env: {} });
    expect(opened.backend).toBe(service);
  });
});

describe("the core a plugin was built for", () => {
  it("refuses a package whose @cairn/core peer range excludes this core before importing it, naming both versions and the fix", async () => {
    await installPluginPackage(join(pluginDirectory(home), "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"], coreRange: "^2.0.0", throwOnImport: true });
    const error = await cairnErrorFrom(() =>
      new PluginRegistry().resolve("acme", { home, projectDir, installHint: ({ packageName }) => `cairn plugin install ${packageName}` }),
    );
    expect(error.code).toBe("PluginIncompatible");
    expect(error.message).toContain("cairn-backend-acme 1.2.3");
    expect(error.message).toContain("was built for @cairn/core ^2.0.0, but this cairn runs @cairn/core 0.1.0");
    expect(error.hint).toContain("`cairn plugin install cairn-backend-acme`");
  });

  it("loads one whose range includes this core", async () => {
    await installPluginPackage(join(projectDir, "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"], coreRange: ">=0.1.0 <1" });
    expect((await new PluginRegistry().resolve("acme", { home, projectDir })).meta.name).toBe("cairn-backend-acme");
  });

  it("links the plugin directory's @cairn/core to this core before loading from it, repairing a stale link", async () => {
    const plugins = pluginDirectory(home);
    await installPluginPackage(join(plugins, "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"], linkCore: false });
    await mkdir(join(plugins, "node_modules", "@cairn"), { recursive: true });
    await symlink(join(root, "moved-away"), join(plugins, "node_modules", "@cairn", "core"), "dir");
    expect((await new PluginRegistry().resolve("acme", { home })).meta.name).toBe("cairn-backend-acme");
    expect(await readlink(join(plugins, "node_modules", "@cairn", "core"))).toBe(await realpath(CORE_PACKAGE_DIR));
  });

  it("refuses a plugin in the plugin directory that would load a second copy of core", async () => {
    const plugins = pluginDirectory(home);
    const packageDir = await installPluginPackage(join(plugins, "node_modules"), { name: "cairn-backend-acme", schemes: ["acme"], linkCore: false, throwOnImport: true });
    const copy = join(packageDir, "node_modules", "@cairn", "core");
    await mkdir(copy, { recursive: true });
    await writeFile(join(copy, "package.json"), JSON.stringify({ name: "@cairn/core", version: "0.1.0", exports: "./index.js" }));
    await writeFile(join(copy, "index.js"), "");
    const error = await cairnErrorFrom(() => new PluginRegistry().resolve("acme", { home }));
    expect(error.code).toBe("PluginIncompatible");
    expect(error.message).toContain(`would load its own copy of @cairn/core from ${await realpath(copy)}`);
  });

  it("names `cairn plugin install <scheme>` for a built-in scheme when the caller gives that hint", async () => {
    const error = await cairnErrorFrom(() =>
      new PluginRegistry().resolve("s3", { home, installHint: ({ scheme, packageName, builtin }) => `cairn plugin install ${builtin ? scheme : packageName}` }),
    );
    expect(error.code).toBe("PluginNotFound");
    expect(error.hint).toBe("install the plugin: `cairn plugin install s3`");
  });
});
