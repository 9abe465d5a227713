import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, type Sandbox } from "./helpers.js";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.dispose());

const login = () => expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);

describe("file system errors name the path and a next step (InvalidArgument, exit 2)", () => {
  it("stack import --file <a directory>", () => {
    login();
    expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
    const result = sandbox.run(["stack", "import", "--file", sandbox.root]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`cannot read ${sandbox.root}`);
    expect(result.stderr).toContain("give the path of a file");
  });

  it("stack export --file <a directory>", () => {
    login();
    expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
    const result = sandbox.run(["stack", "export", "--file", sandbox.root]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`cannot write ${sandbox.root}`);
    expect(result.stderr).toContain("give the path of a file");
  });

  it("login to a file: URL whose path is too long stores nothing", () => {
    const long = join(sandbox.root, "x".repeat(300));
    const result = sandbox.run(["login", `file://${long}`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(long);
    expect(result.stderr).toContain("use a shorter path");
    expect(existsSync(join(sandbox.home, "credentials.json"))).toBe(false);
  });

  // procfs answers mkdir of a child with ENOENT although the parent exists, which sent Node's
  // recursive mkdir into an endless retry: login spun forever instead of failing.
  it.runIf(process.platform === "linux")("login to a directory that cannot hold subdirectories (file:///proc/1) fails promptly, storing nothing", () => {
    const result = sandbox.run(["login", "file:///proc/1"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("/proc/1/.pulumi");
    expect(existsSync(join(sandbox.home, "credentials.json"))).toBe(false);
  });
});
