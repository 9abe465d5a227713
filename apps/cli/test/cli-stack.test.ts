import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, FIXTURES, SAMPLE_DEPLOYMENT, snapshotFiles, type Sandbox } from "./helpers.js";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
});
afterEach(() => sandbox.dispose());

const snapshotState = () => snapshotFiles(sandbox.state);

const sample = () => JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8"));

describe("cairn stack", () => {
  it("init creates the stack at Pulumi's project-scoped path and selects it", () => {
    const result = sandbox.run(["stack", "init", "dev"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(existsSync(join(sandbox.state, ".pulumi/stacks/demo/dev.json"))).toBe(true);
    const ls = JSON.parse(sandbox.run(["stack", "ls", "--json"]).stdout);
    expect(ls).toMatchObject([{ name: "dev", current: true }]);
  });

  it("--show-urls on a backend without a web console lists as without it and says why on stderr", () => {
    expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
    const ls = sandbox.run(["stack", "ls", "--json", "--show-urls"]);
    expect(ls.status).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual(JSON.parse(sandbox.run(["stack", "ls", "--json"]).stdout));
    expect(ls.stderr).toContain("has no web console");
    const history = sandbox.run(["stack", "history", "--show-urls"]);
    expect(history.status).toBe(0);
    expect(history.stderr).toContain("has no web console");
  });

  it("init of an existing stack fails with AlreadyExists", () => {
    sandbox.run(["stack", "init", "dev"]);
    const again = sandbox.run(["stack", "init", "dev"]);
    expect(again.status).toBe(4);
    expect(again.stderr).toContain("dev");
  });

  it.each([
    ["..", "relative path"],
    ["a/b/c/d", "invalid stack reference"],
    ["x".repeat(101), "at most 100"],
    ["bad name", "letters, digits"],
    ["semi;colon", "letters, digits"],
    ["", "empty"],
  ])("rejects the stack name %j and writes nothing", (name, message) => {
    const before = snapshotState();
    const result = sandbox.run(["stack", "init", "--stack", name]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(snapshotState()).toEqual(before);
  });

  it("import then export round-trips the deployment; history records the import", () => {
    sandbox.run(["stack", "init", "dev"]);
    const imported = sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    expect(imported.stderr).toBe("");
    expect(imported.status).toBe(0);
    const exported = sandbox.run(["stack", "export"]);
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual(sample());

    const exportFile = join(sandbox.root, "out.json");
    expect(sandbox.run(["stack", "export", "--file", exportFile]).status).toBe(0);
    expect(JSON.parse(readFileSync(exportFile, "utf8"))).toEqual(sample());

    const history = JSON.parse(sandbox.run(["stack", "history", "--json"]).stdout);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: "import", result: "succeeded" });
    const ls = JSON.parse(sandbox.run(["stack", "ls", "--json"]).stdout);
    expect(ls[0]).toMatchObject({ name: "dev", resourceCount: 3 });
  });

  it("import reads stdin when no file is given", () => {
    sandbox.run(["stack", "init", "dev"]);
    const result = sandbox.run(["stack", "import"], { input: readFileSync(SAMPLE_DEPLOYMENT, "utf8") });
    expect(result.status).toBe(0);
    expect(JSON.parse(sandbox.run(["stack", "export"]).stdout)).toEqual(sample());
  });

  it("refuses malformed JSON, schema violations and unsupported features, changing nothing", () => {
    sandbox.run(["stack", "init", "dev"]);
    sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    const before = snapshotState();

    const garbage = join(sandbox.root, "garbage.json");
    writeFileSync(garbage, "{ not json");
    const malformed = sandbox.run(["stack", "import", "--file", garbage]);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain("not valid JSON");

    const badField = sample();
    badField.deployment.resources[1].urn = 42;
    const badFile = join(sandbox.root, "bad.json");
    writeFileSync(badFile, JSON.stringify(badField));
    const invalid = sandbox.run(["stack", "import", "--file", badFile]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/resources\[1\]\.urn|resources\/1\/urn/);

    const unsupported = sandbox.run(["stack", "import", "--force", "--file", join(FIXTURES, "checkpoint-v4-unsupported-feature.json")]);
    expect(unsupported.status).toBe(2);

    expect(snapshotState()).toEqual(before);
  });

  it("refuses a non-URN urn, a dangling parent or dependency, an Infinity number and deep nesting by path, keeping the previous state", () => {
    sandbox.run(["stack", "init", "dev"]);
    expect(sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]).status).toBe(0);
    const before = snapshotState();
    const exportedBefore = sandbox.run(["stack", "export"]).stdout;
    const gone = "urn:pulumi:dev::demo::aws:s3/bucketV2:BucketV2::gone";
    const withBucket = (change: (bucket: Record<string, unknown>) => void) => {
      const document = sample();
      change(document.deployment.resources[2]);
      return JSON.stringify(document);
    };
    // Written as text: JSON.stringify cannot write 1e999999, and could not write 10,000 levels.
    const cases: Array<[string, string, RegExp]> = [
      ["not-a-urn", withBucket((bucket) => void (bucket.urn = "site-bucket")), /deployment\.resources\[2\]\.urn: "site-bucket" is not a URN/],
      ["dangling-parent", withBucket((bucket) => void (bucket.parent = gone)), /deployment\.resources\[2\]\.parent: names .*::gone, which is not a resource in this deployment/],
      ["dangling-dependency", withBucket((bucket) => void (bucket.dependencies = [gone])), /deployment\.resources\[2\]\.dependencies\[0\]: names .*::gone, which is not a resource/],
      ["infinity", withBucket((bucket) => void (bucket.outputs = { size: 0 })).replace('"size":0', '"size":1e999999'), /deployment\.resources\[2\]\.outputs\.size: is a number too large to store/],
      ["deep", withBucket((bucket) => void (bucket.outputs = { deep: 0 })).replace('"deep":0', `"deep":${"[".repeat(10_000)}${"]".repeat(10_000)}`), /deployment\.resources\[2\]\.outputs\.deep(\[0\])+…: nested deeper than 256 levels/],
    ];
    for (const [name, text, message] of cases) {
      const file = join(sandbox.root, `${name}.json`);
      writeFileSync(file, text);
      const refused = sandbox.run(["stack", "import", "--file", file]);
      expect(refused.status, name).toBe(2);
      expect(refused.stderr, name).toMatch(message);
      expect(refused.stderr, name).not.toContain("RangeError");
    }
    expect(snapshotState()).toEqual(before);
    expect(sandbox.run(["stack", "export"]).stdout).toBe(exportedBefore);
  });

  it("refuses a deployment whose URNs name another stack unless --force", () => {
    sandbox.run(["stack", "init", "prod"]);
    const refused = sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("--force");
    expect(sandbox.run(["stack", "import", "--force", "--file", SAMPLE_DEPLOYMENT]).status).toBe(0);
  });

  it("select switches stacks; select of a missing stack fails unless --create", () => {
    sandbox.run(["stack", "init", "dev"]);
    sandbox.run(["stack", "init", "prod"]);
    expect(sandbox.run(["stack", "select", "dev"]).status).toBe(0);
    expect(JSON.parse(sandbox.run(["stack", "ls", "--json"]).stdout).find((s: { current: boolean }) => s.current).name).toBe("dev");
    expect(sandbox.run(["stack", "select", "nope"]).status).toBe(3);
    expect(sandbox.run(["stack", "select", "nope", "--create"]).status).toBe(0);
    expect(existsSync(join(sandbox.state, ".pulumi/stacks/demo/nope.json"))).toBe(true);
  });

  it("rename moves the state and rewrites the URNs", () => {
    sandbox.run(["stack", "init", "dev"]);
    sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    const result = sandbox.run(["stack", "rename", "staging"]);
    expect(result.status).toBe(0);
    expect(existsSync(join(sandbox.state, ".pulumi/stacks/demo/dev.json"))).toBe(false);
    const exported = JSON.parse(sandbox.run(["stack", "export"]).stdout);
    // As Pulumi's rename does: the stack part of every URN, and the root stack's name.
    expect(exported.deployment.resources[0].urn).toBe("urn:pulumi:staging::demo::pulumi:pulumi:Stack::demo-staging");
    expect(exported.deployment.resources[2].parent).toBe("urn:pulumi:staging::demo::pulumi:pulumi:Stack::demo-staging");
  });

  it("rm needs --yes without a terminal, --force when resources remain, and clears the selection", () => {
    sandbox.run(["stack", "init", "dev"]);
    sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    const unconfirmed = sandbox.run(["stack", "rm"]);
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toContain("--yes");
    const withResources = sandbox.run(["stack", "rm", "--yes"]);
    expect(withResources.status).not.toBe(0);
    expect(withResources.stderr).toContain("--force");
    expect(sandbox.run(["stack", "rm", "--yes", "--force"]).status).toBe(0);
    expect(existsSync(join(sandbox.state, ".pulumi/stacks/demo/dev.json"))).toBe(false);
    expect(sandbox.run(["stack", "export"]).status).toBe(3);
  });

  it("works outside a project with fully qualified stack names", () => {
    const elsewhere = sandbox.root;
    expect(sandbox.run(["stack", "init", "organization/other/dev"], { cwd: elsewhere }).status).toBe(0);
    expect(sandbox.run(["stack", "import", "--stack", "organization/other/dev", "--force", "--file", SAMPLE_DEPLOYMENT], { cwd: elsewhere }).status).toBe(0);
    const ls = JSON.parse(sandbox.run(["stack", "ls", "--json"], { cwd: elsewhere }).stdout);
    expect(ls.map((s: { name: string }) => s.name)).toEqual(["organization/other/dev"]); // Pulumi prints other projects' stacks fully qualified
    const noStack = sandbox.run(["stack", "export"], { cwd: elsewhere });
    expect(noStack.status).toBe(2);
    expect(noStack.stderr).toContain("--stack");
  });

  it("unlock shows nothing for an unlocked stack and --force reports what it removed", () => {
    sandbox.run(["stack", "init", "dev"]);
    const lockDir = join(sandbox.state, ".pulumi/locks/organization/demo/dev");
    expect(sandbox.run(["stack", "unlock"]).stdout).toContain("not locked");
    // A lock left behind by a (dead) Pulumi process: Pulumi's file name and fields.
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(join(lockDir, "0b4c7f9e-1d2a-4c3b-9e8f-7a6b5c4d3e2f.json"), JSON.stringify({ pid: 4242, username: "ci", hostname: "runner-7", timestamp: "2026-11-24T10:00:00Z" }));
    const blocked = sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    expect(blocked.status).toBe(6);
    expect(blocked.stderr).toContain("ci@runner-7");
    const shown = sandbox.run(["stack", "unlock"]);
    expect(shown.stdout).toContain("ci@runner-7 pid 4242");
    expect(shown.stdout).toContain("--force");
    expect(readdirSync(lockDir)).toHaveLength(1);
    expect(sandbox.run(["stack", "unlock", "--force"]).status).toBe(0);
    expect(sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]).status).toBe(0);
  });
});

describe("--help", () => {
  const commands = [[], ["login"], ["logout"], ["whoami"], ["stack"], ["state"], ["state", "upgrade"], ...["init", "ls", "select", "rm", "rename", "export", "import", "history", "unlock", "change-secrets-provider", "migrate"].map((c) => ["stack", c])];
  it.each(commands.map((c) => [c.join(" ") || "(root)", c]))("%s --help prints usage and exits 0", (_name, command) => {
    const result = sandbox.run([...(command as string[]), "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: cairn");
  });
});
