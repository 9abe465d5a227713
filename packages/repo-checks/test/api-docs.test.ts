import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./repo.js";

// `pnpm docs:api` (scripts/api-docs.mjs): TypeDoc + typedoc-plugin-markdown over the sources of
// @cairn/core and @cairn/conformance, entry points read from each package's `exports`. --check
// turns every TypeDoc warning into a failure: a type used in a public signature but not exported,
// a broken {@link}. Delete an export from conformance's index (e.g. `ChildReport`) and it fails.

const run = promisify(execFile);
const script = join(repoRoot, "scripts", "api-docs.mjs");
const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function apiDocs(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, "--check", ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

describe("the API reference (pnpm docs:api)", () => {
  it("generates markdown for @cairn/core and @cairn/conformance without a single TypeDoc warning", { timeout: 240_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), "cairn-api-docs-"));
    scratch.push(out);
    const { code, output } = await apiDocs(["--out", out]);
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
    expect(code).toBe(0);
    const stateStore = await readFile(join(out, "core", "driver", "interfaces", "StateStore.md"), "utf8");
    expect(stateStore).toContain("# Interface: StateStore");
    expect(stateStore).toMatch(/### put\(\)/);
    await expect(readFile(join(out, "core", "driver", "functions", "defineBackendPlugin.md"), "utf8")).resolves.toContain("defineBackendPlugin");
    await expect(readFile(join(out, "conformance", "functions", "describeStoreConformance.md"), "utf8")).resolves.toContain("describeStoreConformance");
  });

  it("documents every subpath export of a package (a new `exports` entry needs no config change)", { timeout: 120_000 }, async () => {
    const pkg = await mkdtemp(join(tmpdir(), "cairn-api-docs-pkg-"));
    scratch.push(pkg);
    await mkdir(join(pkg, "src"));
    await writeFile(
      join(pkg, "package.json"),
      JSON.stringify({
        name: "@example/two-entries",
        version: "1.0.0",
        type: "module",
        exports: {
          ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
          "./driver": { types: "./dist/driver.d.ts", default: "./dist/driver.js" },
          "./package.json": "./package.json",
        },
      }),
    );
    await writeFile(
      join(pkg, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, rootDir: "src", outDir: "dist", types: [] }, include: ["src"] }),
    );
    await writeFile(join(pkg, "src", "index.ts"), "/** The main entry's function. */\nexport function mainThing(): number {\n  return 1;\n}\n");
    await writeFile(join(pkg, "src", "driver.ts"), "/** Only the driver entry exports this. */\nexport function driverThing(): string {\n  return \"d\";\n}\n");
    const out = join(pkg, "out");
    const { code, output } = await apiDocs(["--out", out, "--packages", pkg]);
    expect(output).toContain("./driver ← ");
    expect(code).toBe(0);
    const written = (await readdir(join(out, pkg.split("/").pop()!), { recursive: true })).map(String);
    expect(written.some((file) => file.endsWith("driverThing.md")), written.join(", ")).toBe(true);
    expect(written.some((file) => file.endsWith("mainThing.md")), written.join(", ")).toBe(true);
  });
});
