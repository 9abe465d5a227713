import { afterEach, beforeEach, expect, it } from "vitest";
import { mkdirSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSandbox, type Sandbox } from "./helpers.js";

const CORE_DIR = fileURLToPath(new URL("../../../packages/core", import.meta.url));

/**
 * A backend package as a third party would publish it: it depends only on @cairn/core and
 * implements a tiny directory-backed store with core's atomic-file helpers.
 */
function installAcmePlugin(nodeModules: string): void {
  const dir = join(nodeModules, "cairn-backend-acme");
  mkdirSync(join(dir, "node_modules", "@cairn"), { recursive: true });
  symlinkSync(CORE_DIR, join(dir, "node_modules", "@cairn", "core"), "dir");
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "cairn-backend-acme",
      version: "1.0.0",
      type: "module",
      sideEffects: false,
      exports: { ".": { default: "./index.js" } },
      peerDependencies: { "@cairn/core": "*" },
    }),
  );
  writeFileSync(
    join(dir, "index.js"),
    `
import { readFile, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { CairnError, createFileExclusive, defineBackendPlugin, writeFileAtomic } from "@cairn/core/driver";

class AcmeStore {
  capabilities = { conditionalWrite: true };
  constructor(root, url) { this.root = root; this.url = url; }
  path(key) { return join(this.root, encodeURIComponent(key)); }
  async get(key) {
    try { const bytes = await readFile(this.path(key)); return { bytes, version: String((await stat(this.path(key))).mtimeMs) }; }
    catch (error) { if (error.code === "ENOENT") return undefined; throw error; }
  }
  async put(key, bytes, options = {}) {
    // Compare-and-swap (not atomic here, which a single-process test does not need): core fences every stack write with it.
    if (options.ifMatch !== undefined && (await this.get(key))?.version !== options.ifMatch) throw new CairnError("Conflict", key + " changed");
    if (options.ifNoneMatch === "*") {
      try { await createFileExclusive(this.path(key), bytes); } catch (error) { if (error.code === "EEXIST") throw new CairnError("Conflict", key + " exists"); throw error; }
    } else await writeFileAtomic(this.path(key), bytes);
    return String((await stat(this.path(key))).mtimeMs);
  }
  async delete(key) { await rm(this.path(key), { force: true }); }
  async list(prefix) {
    const names = await readdir(this.root).catch(() => []);
    const keys = names.filter((n) => !n.includes(".cairn-tmp-")).map(decodeURIComponent).filter((k) => k.startsWith(prefix)).sort();
    return { objects: keys.map((key) => ({ key })) };
  }
  classifyError() { return "Internal"; }
  async close() {}
}

export default defineBackendPlugin({
  meta: { name: "cairn-backend-acme", version: "1.0.0" },
  schemes: ["acme"],
  async open(url, context) { return new AcmeStore(join(context.cwd, "acme-" + url.hostname), url.href); },
});
`,
  );
}

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.dispose());

it("loads a third-party backend package from the project's node_modules by URL scheme", () => {
  installAcmePlugin(join(sandbox.project, "node_modules"));
  const login = sandbox.run(["login", "acme://vault"]);
  expect(login.stderr).toBe("");
  expect(login.status).toBe(0);
  expect(login.stdout).toContain("(acme://vault)");
  expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
  expect(existsSync(join(sandbox.project, "acme-vault", encodeURIComponent(".pulumi/stacks/demo/dev.json")))).toBe(true);
  expect(JSON.parse(sandbox.run(["stack", "ls", "--json"]).stdout)).toMatchObject([{ name: "dev", current: true }]);
});

it("finds it in cairn's plugin directory when the project does not have it", () => {
  installAcmePlugin(join(sandbox.home, "cairn", "plugins", "node_modules"));
  expect(sandbox.run(["login", "acme://vault"]).status).toBe(0);
});

it("without the package, names what it tried and how to install it", () => {
  const result = sandbox.run(["login", "acme://vault"]);
  expect(result.status).toBe(8);
  expect(result.stderr).toContain("@cairn/backend-acme");
  expect(result.stderr).toContain("cairn-backend-acme");
  expect(result.stderr).toContain("`cairn plugin install cairn-backend-acme`");
  expect(result.stderr).toContain("file://");
});
