import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeDirectory } from "../src/fs/make-directory.js";
import { isCairnError } from "../src/errors.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "cairn-mkdir-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("makeDirectory", () => {
  it("creates every missing level with the mode, and an existing directory is fine", async () => {
    const deep = join(root, "a", "b", "c");
    await makeDirectory(deep, 0o700);
    for (const dir of [join(root, "a"), join(root, "a", "b"), deep]) expect(statSync(dir).mode & 0o777).toBe(0o700);
    await makeDirectory(deep, 0o700);
  });

  it("a file in the way is the file system's own error", async () => {
    writeFileSync(join(root, "file"), "");
    await expect(makeDirectory(join(root, "file"))).rejects.toMatchObject({ code: "EEXIST" });
    await expect(makeDirectory(join(root, "file", "x"))).rejects.toMatchObject({ code: "ENOTDIR" });
  });

  it.runIf(process.platform === "linux")("ends with InvalidArgument where the parent exists but refuses children (procfs)", async () => {
    const error = await makeDirectory("/proc/1/.pulumi/stacks").catch((caught: unknown) => caught);
    expect(isCairnError(error) && error.code).toBe("InvalidArgument");
    expect(String((error as Error).message)).toContain("/proc/1/.pulumi");
  });
});
