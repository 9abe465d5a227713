import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createSandbox, type Sandbox } from "./helpers.js";

/**
 * `cairn plugin install|ls|remove` with the real npm, from local package directories (no
 * registry: the packages have no dependencies). The published-tarball path, with a real backend
 * and its registry dependencies, is packages/release-check's.
 */
const CORE_DIR = realpathSync(fileURLToPath(new URL("../../../packages/core", import.meta.url)));
const CORE_ENTRY = pathToFileURL(join(CORE_DIR, "dist/index.js")).href;

/**
 * A plugin package as a third party publishes it. Opening it fails on purpose with a message that
 * says which `@cairn/core` file its own `import` resolved to: the one-copy check, from inside.
 */
function writePlugin(root: string, options: { name?: string; version?: string; coreRange?: string; scheme?: string } = {}): string {
  const name = options.name ?? "cairn-backend-acme";
  const dir = join(root, `${name}-${options.version ?? "1.0.0"}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name,
      version: options.version ?? "1.0.0",
      type: "module",
      exports: { ".": "./index.js" },
      peerDependencies: { "@cairn/core": options.coreRange ?? "^0.1.0" },
    }),
  );
  writeFileSync(
    join(dir, "index.js"),
    `import { CairnError, defineBackendPlugin } from "@cairn/core/driver";
export default defineBackendPlugin({
  meta: { name: ${JSON.stringify(name)}, version: "1.0.0" },
  schemes: [${JSON.stringify(options.scheme ?? "acme")}],
  async open() { throw new CairnError("Unavailable", "acme opened; core " + import.meta.resolve("@cairn/core")); },
});
`,
  );
  return dir;
}

/** Every file (its bytes) and symlink (its target) under `dir`: the plugin directory holds the core link. */
function snapshotTree(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      const info = lstatSync(child);
      if (info.isSymbolicLink()) entries[relative(dir, child)] = `-> ${readlinkSync(child)}`;
      else if (info.isDirectory()) walk(child);
      else entries[relative(dir, child)] = readFileSync(child, "base64");
    }
  };
  walk(dir);
  return entries;
}

let sandbox: Sandbox;
let plugins: string;
let coreLink: string;
beforeEach(() => {
  sandbox = createSandbox();
  plugins = join(sandbox.home, "cairn", "plugins");
  coreLink = join(plugins, "node_modules", "@cairn", "core");
});
afterEach(() => sandbox.dispose());

describe("cairn plugin install", () => {
  it("installs a package directory, links the CLI's own core, and the loader then uses that one core", () => {
    const install = sandbox.run(["plugin", "install", writePlugin(sandbox.root)]);
    expect(install.stderr).toContain("› installing");
    expect(install.stderr).toContain("npm: added 1 package");
    expect(install.stdout).toContain(`installed cairn-backend-acme 1.0.0 (acme://) into ${plugins}`);
    expect(install.status).toBe(0);
    expect(realpathSync(coreLink)).toBe(CORE_DIR);

    const login = sandbox.run(["login", "acme://vault"]);
    expect(login.stderr).toContain(`acme opened; core ${CORE_ENTRY}`);
    expect(login.status).toBe(9);

    const ls = JSON.parse(sandbox.run(["plugin", "ls", "--json"]).stdout) as Array<Record<string, unknown>>;
    expect(ls.find((row) => row.name === "cairn-backend-acme")).toEqual({
      name: "cairn-backend-acme",
      version: "1.0.0",
      schemes: ["acme"],
      range: "^0.1.0",
      coreVersion: "0.1.0",
      compatible: true,
      location: "plugins",
      path: join(plugins, "node_modules", "cairn-backend-acme"),
    });
    expect(sandbox.run(["plugin", "ls"]).stdout).toMatch(/cairn-backend-acme\s+1\.0\.0\s+acme\s+\^0\.1\.0\s+yes\s+plugins/);
  });

  it("refuses a plugin built for another core up front and leaves the plugin directory exactly as it was", () => {
    expect(sandbox.run(["plugin", "install", writePlugin(sandbox.root)]).status).toBe(0);
    const before = snapshotTree(plugins);
    const result = sandbox.run(["plugin", "install", writePlugin(sandbox.root, { name: "cairn-backend-future", coreRange: "^2.0.0" })]);
    expect(result.status).toBe(8);
    expect(result.stderr).toContain("error: refusing to install cairn-backend-future 1.0.0: it was built for @cairn/core ^2.0.0, but this cairn runs @cairn/core 0.1.0");
    expect(result.stderr).toContain("nothing was installed");
    expect(snapshotTree(plugins)).toEqual(before);
    expect(realpathSync(coreLink)).toBe(CORE_DIR);
  });

  it("refuses a package that is not a backend plugin, and one npm cannot install, changing nothing", () => {
    const notPlugin = join(sandbox.root, "left-pad-ish");
    mkdirSync(notPlugin);
    writeFileSync(join(notPlugin, "package.json"), JSON.stringify({ name: "left-pad-ish", version: "1.0.0", type: "module", exports: "./index.js" }));
    writeFileSync(join(notPlugin, "index.js"), "export default 42;\n");
    const refused = sandbox.run(["plugin", "install", notPlugin]);
    expect(refused.status).toBe(8);
    expect(refused.stderr).toContain("is not a cairn backend plugin");
    expect(existsSync(plugins)).toBe(false);

    const missing = sandbox.run(["plugin", "install", join(sandbox.root, "no-such-plugin.tgz")]);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/`npm install --save .*no-such-plugin\.tgz` failed/);
    expect(missing.stderr).toContain("nothing was changed");
    expect(existsSync(plugins)).toBe(false);
    expect(existsSync(join(sandbox.home, "cairn", "plugins.lock"))).toBe(false);
  });

  it("has help that says what it does, with examples", () => {
    for (const command of ["install", "ls", "remove"]) {
      const help = sandbox.run(["plugin", command, "--help"]);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`Usage: cairn plugin ${command}`);
    }
    expect(sandbox.run(["plugin", "install", "--help"]).stdout).toContain("cairn plugin install s3");
    expect(sandbox.run(["plugin", "--help"]).stdout).toMatch(/install[\s\S]*ls[\s\S]*remove/);
  });
});

describe("loading from the plugin directory", () => {
  it("repairs a core link left dangling by a moved CLI before loading", () => {
    expect(sandbox.run(["plugin", "install", writePlugin(sandbox.root)]).status).toBe(0);
    rmSync(coreLink);
    symlinkSync(join(sandbox.root, "old-cli-install", "core"), coreLink, "dir");
    const login = sandbox.run(["login", "acme://vault"]);
    expect(login.stderr).toContain(`acme opened; core ${CORE_ENTRY}`);
    expect(readlinkSync(coreLink)).toBe(CORE_DIR);
  });

  it("refuses a plugin put there by hand for another core, naming both versions and the command that fixes it", () => {
    const dir = join(plugins, "node_modules", "cairn-backend-acme");
    mkdirSync(join(plugins, "node_modules"), { recursive: true });
    symlinkSync(writePlugin(sandbox.root, { version: "3.0.0", coreRange: ">=3.0.0" }), dir, "dir");
    const login = sandbox.run(["login", "acme://vault"]);
    expect(login.status).toBe(8);
    expect(login.stderr).toContain("cairn-backend-acme 3.0.0");
    expect(login.stderr).toContain("was built for @cairn/core >=3.0.0, but this cairn runs @cairn/core 0.1.0");
    expect(login.stderr).toContain("`cairn plugin install cairn-backend-acme`");
    expect(login.stderr).not.toContain("acme opened");
  });

  it("suggests `cairn plugin install <package>` when no package serves the scheme", () => {
    const login = sandbox.run(["login", "acme://vault"]);
    expect(login.status).toBe(8);
    expect(login.stderr).toContain("install the plugin: `cairn plugin install cairn-backend-acme`");
  });
});

describe("cairn plugin remove", () => {
  it("removes by scheme or package, and names what is installed when asked for something else", () => {
    expect(sandbox.run(["plugin", "install", writePlugin(sandbox.root)]).status).toBe(0);
    const unknown = sandbox.run(["plugin", "remove", "cairn-backend-other"]);
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toContain("(installed: cairn-backend-acme)");

    const removed = sandbox.run(["plugin", "rm", "acme"]);
    expect(removed.stdout).toContain("removed cairn-backend-acme");
    expect(removed.status).toBe(0);
    expect(existsSync(join(plugins, "node_modules", "cairn-backend-acme"))).toBe(false);
    const ls = JSON.parse(sandbox.run(["plugin", "ls", "--json"]).stdout) as Array<{ location: string }>;
    expect(ls.filter((row) => row.location === "plugins")).toEqual([]);
  });
});
