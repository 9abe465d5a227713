import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "./helpers.js";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
});
afterEach(() => sandbox.dispose());

describe("numeric flags", () => {
  // Each flag, a value it must refuse, and the range its message names.
  it.each([
    [["stack", "history", "--page-size", "abc"], "--page-size", "1"],
    [["stack", "history", "--page-size", "0"], "--page-size", "1"],
    [["stack", "history", "--page-size", "2.5"], "--page-size", "1"],
    [["stack", "history", "--page-size", "10abc"], "--page-size", "1"],
    [["stack", "history", "prune", "--keep", "abc", "--yes"], "--keep", "0"],
    [["stack", "history", "prune", "--keep", "-1", "--yes"], "--keep", "0"],
    [["stack", "migrate", "--to", "file:///nowhere", "--parallel", "0"], "--parallel", "1"],
    [["stack", "export", "--version", "0"], "--version", "1"],
  ])("%j is a usage error naming the flag and its range", (args, flag, low) => {
    const result = sandbox.run(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(flag);
    expect(result.stderr).toMatch(new RegExp(`whole number from ${low}`));
    expect(result.stdout).toBe("");
  });

  it("a valid --page-size still limits the history", () => {
    const result = sandbox.run(["stack", "history", "--page-size", "5", "--json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});
