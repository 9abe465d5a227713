import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  clearSelectedStack,
  findProject,
  getSelectedStack,
  isCairnError,
  resolveBackendUrl,
  setSelectedStack,
} from "../src/index.js";

let root: string;
let home: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cairn-ws-"));
  home = join(root, "pulumi-home");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function makeProject(yaml: string, fileName = "Pulumi.yaml"): Promise<string> {
  const directory = join(root, "proj");
  await mkdir(join(directory, "src", "deep"), { recursive: true });
  await writeFile(join(directory, fileName), yaml);
  return directory;
}

describe("findProject", () => {
  it("finds Pulumi.yaml above the working directory with its name, backend URL and cairn backends", async () => {
    const directory = await makeProject(
      "name: shop\nruntime: nodejs\nbackend:\n  url: s3://state/shop\ncairn:\n  backends:\n    acme: '@acme/cairn-backend'\n",
    );
    const project = await findProject(join(directory, "src", "deep"));
    expect(project).toEqual({
      name: "shop",
      file: join(directory, "Pulumi.yaml"),
      directory,
      backendUrl: "s3://state/shop",
      backendPackages: { acme: "@acme/cairn-backend" },
    });
  });

  it("accepts Pulumi.yml", async () => {
    const directory = await makeProject("name: other\nruntime: yaml\n", "Pulumi.yml");
    expect((await findProject(directory))?.file).toBe(join(directory, "Pulumi.yml"));
  });

  it("returns undefined when there is no project up to the root", async () => {
    await mkdir(join(root, "empty"));
    // The temp directory's ancestors hold no Pulumi project on a test machine.
    expect(await findProject(join(root, "empty"))).toBeUndefined();
  });

  it("reports a malformed project file by name", async () => {
    const directory = await makeProject("name: [unclosed\n");
    const failure = await findProject(directory).catch((error: unknown) => error);
    expect(isCairnError(failure, "InvalidArgument")).toBe(true);
    expect((failure as Error).message).toContain(join(directory, "Pulumi.yaml"));
  });

  it("requires a name", async () => {
    const directory = await makeProject("runtime: nodejs\n");
    await expect(findProject(directory)).rejects.toThrow(/`name` is missing/);
  });
});

describe("selected stack", () => {
  async function settingsFile(projectFile: string): Promise<string> {
    const hash = createHash("sha1").update(projectFile).digest("hex");
    return join(home, "workspaces", `shop-${hash}-workspace.json`);
  }

  it("stores the selection per backend URL in Pulumi's workspace file", async () => {
    const projectFile = join(await makeProject("name: shop\n"), "Pulumi.yaml");
    await setSelectedStack(home, projectFile, "file://~", "dev");
    await setSelectedStack(home, projectFile, "s3://b?region=x&y=1", "organization/shop/prod");

    expect(await readFile(await settingsFile(projectFile), "utf8")).toBe(
      [
        "{",
        '    "stacks": {',
        '        "file://~": "dev",',
        '        "s3://b?region=x\\u0026y=1": "organization/shop/prod"',
        "    }",
        "}",
      ].join("\n"),
    );
    expect((await stat(await settingsFile(projectFile))).mode & 0o777).toBe(0o600);
    expect(await getSelectedStack(home, projectFile, "file://~")).toBe("dev");
    expect(await getSelectedStack(home, { name: "shop", file: projectFile }, "s3://b?region=x&y=1")).toBe("organization/shop/prod");
    expect(await getSelectedStack(home, projectFile, "gs://none")).toBeUndefined();
  });

  it("falls back to the legacy stack field, and clearing removes both", async () => {
    const projectFile = join(await makeProject("name: shop\n"), "Pulumi.yaml");
    const file = await settingsFile(projectFile);
    await mkdir(join(home, "workspaces"), { recursive: true });
    await writeFile(file, JSON.stringify({ stack: "legacy", stacks: { "file://~": "dev" } }));

    expect(await getSelectedStack(home, projectFile, "gs://other")).toBe("legacy");
    expect(await getSelectedStack(home, projectFile, "file://~")).toBe("dev");

    await clearSelectedStack(home, projectFile, "gs://other");
    expect(await getSelectedStack(home, projectFile, "gs://other")).toBeUndefined();
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ stacks: { "file://~": "dev" } });

    await clearSelectedStack(home, projectFile, "file://~");
    expect((await readdir(join(home, "workspaces"))).filter((name) => name.endsWith(".json"))).toEqual([]);
  });

  it("reports a malformed workspace file by name", async () => {
    const projectFile = join(await makeProject("name: shop\n"), "Pulumi.yaml");
    const file = await settingsFile(projectFile);
    await mkdir(join(home, "workspaces"), { recursive: true });
    await writeFile(file, "{nope");
    await expect(getSelectedStack(home, projectFile, "file://~")).rejects.toThrow(file);
    await expect(setSelectedStack(home, projectFile, "file://~", "dev")).rejects.toSatisfy((e) => isCairnError(e, "InvalidArgument"));
    expect(await readFile(file, "utf8")).toBe("{nope");
  });
});

describe("resolveBackendUrl", () => {
  const credentials = { current: "file://~" };
  const project = { backendUrl: "s3://project" };
  const env = { PULUMI_BACKEND_URL: "gs://env" };

  it("prefers an explicit URL, then PULUMI_BACKEND_URL, then the project, then the current login", () => {
    expect(resolveBackendUrl({ explicit: "azblob://flag", env, project, credentials })).toBe("azblob://flag");
    expect(resolveBackendUrl({ env, project, credentials })).toBe("gs://env");
    expect(resolveBackendUrl({ env: {}, project, credentials })).toBe("s3://project");
    expect(resolveBackendUrl({ env: { PULUMI_BACKEND_URL: "" }, credentials })).toBe("file://~");
    expect(resolveBackendUrl({ env: {}, credentials: {} })).toBeUndefined();
  });
});
