import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, expectNotShown, type Sandbox } from "./helpers.js";

/** Issue 14: a secret inside a malformed JSON file never comes back on stdout or stderr. */
const SECRET = "hunter2-Sup3rS3cret";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.dispose());

const noSecret = (result: { stdout: string; stderr: string }) => expectNotShown(result, SECRET);

describe("JSON parse errors never quote the input", () => {
  it("stack import of a malformed --show-secrets export names the position, not the text", () => {
    sandbox.run(["login", sandbox.stateUrl]);
    sandbox.run(["stack", "init", "dev"], { cwd: sandbox.project, env: { PULUMI_CONFIG_PASSPHRASE: "pass" } });
    const file = join(sandbox.root, "export.json");
    writeFileSync(file, `{"version": 3, "deployment": {"secret": ${SECRET}}}`);
    const result = sandbox.run(["stack", "import", "--file", file], { cwd: sandbox.project, env: { PULUMI_CONFIG_PASSPHRASE: "pass" } });
    expect(result.status).not.toBe(0);
    noSecret(result);
    expect(result.stderr).toMatch(/is not valid JSON: unexpected character at line 1 column 41/);
    expect(result.stderr).toMatch(/import expects the output of `cairn stack export`/);
  });

  it("a corrupt credentials.json names the position, not the text", () => {
    mkdirSync(sandbox.home, { recursive: true });
    writeFileSync(join(sandbox.home, "credentials.json"), `{"current": "file:///x", "accessTokens": {"https://api.pulumi.com": "pul-${SECRET}"`);
    const result = sandbox.run(["whoami"]);
    expect(result.status).not.toBe(0);
    noSecret(result);
    expect(result.stderr).toMatch(/credentials\.json is not valid JSON: unexpected end of input at line 1 column \d+/);
    expect(result.stderr).toMatch(/fix the file by hand or delete it/);
  });
});
