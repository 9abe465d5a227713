import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkPluginPackage, describePluginPackage } from "../src/index.js";

const BACKEND_MEMORY_DIR = fileURLToPath(new URL("../../backend-memory/", import.meta.url));

describePluginPackage("@cairn/backend-memory", BACKEND_MEMORY_DIR);

describe("checkPluginPackage catches a broken package", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("passes the reference package", async () => {
    await checkPluginPackage(BACKEND_MEMORY_DIR);
  });

  it("lists every problem of a package that breaks each rule", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cairn-bad-plugin-"));
    dirs.push(dir);
    await writeFile(
      join(dir, "package.json"),
      JSON.stringify({ name: "@acme/cairn-backend-bad", type: "commonjs", exports: { ".": { default: "./dist/index.js" } }, dependencies: { "@cairn/core": "1.0.0" } }),
    );
    await mkdir(join(dir, "dist"));
    await writeFile(join(dir, "dist/index.js"), 'export default { apiVersion: 0, meta: { name: "other", version: "1" }, schemes: [], open: 1 };\n');
    await writeFile(join(dir, "README.md"), "# bad\n\n## Install\n\nnpm i it\n");
    const failure = checkPluginPackage(dir);
    await expect(failure).rejects.toThrow(/"type" must be "module"/);
    const message = String(await failure.catch((error: unknown) => error));
    for (const expected of [
      '"sideEffects" must be false',
      'exports["."].types',
      '"@cairn/core" must be a peerDependency',
      "plugin.apiVersion is 0",
      'plugin.meta.name is "other"',
      "plugin.schemes must be a non-empty array",
      "plugin.open must be a function",
      'no "URL format" section',
      'no "Conformance" section',
    ]) {
      expect(message).toContain(expected);
    }
    expect(message).not.toContain('no "Install" section');
  });
});
