import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ERROR_CODES, isCairnError } from "@cairn/core";
import { listAll } from "@cairn/core/driver";
import { FileStore, classifyFileError } from "../src/index.js";

const tempDirs: string[] = [];
async function freshRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cairn-file-store-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

const storeAt = (root: string) => new FileStore(root, `file://${root}`);
const text = (value: string) => new TextEncoder().encode(value);

async function refusal(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("FileStore keys are paths under the root", () => {
  it("stores a key as the file at that relative path", async () => {
    const root = await freshRoot();
    await storeAt(root).put(".pulumi/stacks/p/dev.json", text("{}"));
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(join(root, ".pulumi", "stacks", "p", "dev.json"), "utf8")).toBe("{}");
  });

  it.each(["../escape", "a/../../escape", "/etc/passwd", "", "a//b", "a/./b", "trailing/", "back\\slash", "nul\0byte"])(
    "refuses the key %j with InvalidArgument for every operation",
    async (key) => {
      const store = storeAt(await freshRoot());
      for (const action of [() => store.get(key), () => store.put(key, text("x")), () => store.delete(key)]) {
        expect(isCairnError(await refusal(action), "InvalidArgument")).toBe(true);
      }
    },
  );
});

describe("FileStore on a root that does not exist yet", () => {
  it("reads as empty, and the first write creates it", async () => {
    const root = join(await freshRoot(), "not", "yet");
    const store = storeAt(root);
    expect(await store.get(".pulumi/meta.yaml")).toBeUndefined();
    expect(await store.list("")).toEqual({ objects: [] });
    expect(await store.list(".pulumi/stacks/")).toEqual({ objects: [] });
    await store.delete(".pulumi/meta.yaml");
    await store.put(".pulumi/meta.yaml", text("version: 1\n"));
    expect((await listAll(store, "")).map((object) => object.key)).toEqual([".pulumi/meta.yaml"]);
  });
});

describe("FileStore listings show objects only", () => {
  it("skips temp files, CAS lock sidecars and gocloud .attrs files", async () => {
    const root = await freshRoot();
    const store = storeAt(root);
    await store.put(".pulumi/stacks/p/dev.json", text("{}"));
    const dir = join(root, ".pulumi", "stacks", "p");
    // What a killed writer, a crashed compare-and-swap and Pulumi's gocloud fileblob leave behind.
    await writeFile(join(dir, ".dev.json.cairn-tmp-1234-abcd"), "partial");
    await writeFile(join(dir, "dev.json.cairn-lock"), "{}");
    await writeFile(join(dir, "dev.json.attrs"), "{}");
    await mkdir(join(dir, "empty-dir"));
    const listed = await listAll(store, "");
    expect(listed.map((object) => object.key)).toEqual([".pulumi/stacks/p/dev.json"]);
    expect(listed[0]).toMatchObject({ size: 2, version: (await store.get(".pulumi/stacks/p/dev.json"))!.version });
    expect(listed[0]!.modified).toBeInstanceOf(Date);
  });

  it("treats a directory as a prefix, not an object", async () => {
    const store = storeAt(await freshRoot());
    await store.put("a/b", text("nested"));
    expect(await store.get("a")).toBeUndefined();
    await store.delete("a"); // nothing stored under "a": no error, and "a/b" survives
    expect(new TextDecoder().decode((await store.get("a/b"))!.bytes)).toBe("nested");
  });
});

describe("classifyFileError", () => {
  it.each([
    ["EACCES", "PermissionDenied"],
    ["EPERM", "PermissionDenied"],
    ["EROFS", "PermissionDenied"],
    ["ENOENT", "NotFound"],
    ["ENOSPC", "Unavailable"],
    ["EDQUOT", "Unavailable"],
    ["EMFILE", "Unavailable"],
    ["ETIMEDOUT", "Timeout"],
    ["EEXIST", "Conflict"],
    ["ENOTDIR", "InvalidArgument"],
  ])("maps %s to %s", (errno, code) => {
    expect(classifyFileError(Object.assign(new Error(errno), { code: errno }))).toBe(code);
  });

  it("maps anything else to Internal, and keeps a CairnError's own code", async () => {
    const store = storeAt(await freshRoot());
    expect(store.classifyError(new Error("x"))).toBe("Internal");
    expect(store.classifyError(Object.assign(new Error("odd"), { code: "EWHATEVER" }))).toBe("Internal");
    expect(store.classifyError(undefined)).toBe("Internal");
    const conflict = await refusal(async () => {
      await store.put("k", text("1"), { ifNoneMatch: "*" });
      await store.put("k", text("2"), { ifNoneMatch: "*" });
    });
    expect(store.classifyError(conflict)).toBe("Conflict");
    expect(ERROR_CODES).toContain(store.classifyError(new TypeError("y")));
  });

});

describe("FileStore when a key's parent is itself an object (`a` and `a/b`)", () => {
  it("refuses to write below it with InvalidArgument and a hint, not a Conflict", async () => {
    const store = storeAt(await freshRoot());
    await store.put("file", text("x"));
    // Every kind of write: the key can never exist, so even a stale ifMatch gets the explanation.
    for (const options of [{}, { ifNoneMatch: "*" as const }, { ifMatch: "1.2.3" }]) {
      const error = await refusal(() => store.put("file/child", text("y"), options));
      expect(isCairnError(error, "InvalidArgument"), `put ${JSON.stringify(options)}: ${String(error)}`).toBe(true);
      expect((error as { hint?: string }).hint).toMatch(/cannot hold both/);
    }
  });

  it("reads and deletes below it as a missing key", async () => {
    const store = storeAt(await freshRoot());
    await store.put("file", text("x"));
    expect(await store.get("file/child")).toBeUndefined();
    await store.delete("file/child");
    expect(new TextDecoder().decode((await store.get("file"))!.bytes)).toBe("x");
  });
});
