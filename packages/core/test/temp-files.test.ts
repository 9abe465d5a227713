import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { currentProcessIdentity } from "../src/index.js";
import { isTempFileName, tempFileOwner } from "../src/driver.js";
import { tempFileName } from "../src/fs/temp-files.js";

describe("temp file names", () => {
  it("record the writer: pid, start time, pid namespace and host", () => {
    const name = tempFileName("dev.json", "0a1b2c3d");
    expect(isTempFileName(name)).toBe(true);
    expect(name.startsWith(".dev.json.cairn-tmp-")).toBe(true);
    expect(tempFileOwner(name)).toEqual(currentProcessIdentity());
    expect(tempFileOwner(name)?.hostname).toBe(hostname());
  });

  it("escape the separator and anything unusual in a host name, so it reads back exactly", () => {
    expect(tempFileOwner(".k.cairn-tmp-12_-_-_build%5Fagent%20%C3%A9_0a1b2c3d")).toEqual({ pid: 12, hostname: "build_agent é" });
  });

  it("of older versions, or not of cairn's making, have no owner", () => {
    expect(tempFileOwner(".k.cairn-tmp-0a1b2c3d4e5f")).toBeUndefined();
    expect(tempFileOwner("notes.cairn-tmp-mine")).toBeUndefined();
    expect(tempFileOwner(".k.cairn-tmp-12_-_-_host_NOTHEX00")).toBeUndefined();
  });
});
