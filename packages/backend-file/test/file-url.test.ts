import { describe, expect, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { fileBackendRoot } from "../src/index.js";

const CWD = "/work/project";
const HOME = "/home/alice";
const root = (url: string) => fileBackendRoot(new URL(url), CWD, HOME);

describe("fileBackendRoot", () => {
  it.each([
    ["file://~", HOME],
    ["file://~/", HOME],
    ["file://~/sub", `${HOME}/sub`],
    ["file://~/sub/deeper/", `${HOME}/sub/deeper`],
    ["file:///abs", "/abs"],
    ["file:///abs/dir/", "/abs/dir"],
    ["file:///with%20space", "/with space"],
    ["file://./rel", `${CWD}/rel`],
    ["file://./rel/../other", `${CWD}/other`],
    ["file://.", CWD],
  ])("%s is the directory %s", (url, expected) => {
    expect(root(url)).toBe(expected);
  });

  it.each([
    ["file://remote-host/share", /remote host/],
    ["file:///abs?compression=gzip", /accepts no parameters/],
    ["s3://bucket/path", /not a file:\/\/ URL/],
  ])("refuses %s with InvalidArgument and a hint", (url, why) => {
    let thrown: unknown;
    try {
      root(url);
    } catch (error) {
      thrown = error;
    }
    expect(isCairnError(thrown, "InvalidArgument")).toBe(true);
    expect((thrown as Error).message).toMatch(why);
    expect((thrown as { hint?: string }).hint).toMatch(/file:\/\/~/);
  });
});
