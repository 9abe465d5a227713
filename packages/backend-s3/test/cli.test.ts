import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { server, serverEnv, serverUrl } from "./helpers.js";

const CAIRN_BIN = fileURLToPath(new URL("../../../apps/cli/bin/cairn.js", import.meta.url));
const SAMPLE_DEPLOYMENT = fileURLToPath(new URL("../../../examples/sample-deployment.json", import.meta.url));
const WRONG_SECRET = "wrong-secret-never-printed";

/** A temp HOME/PULUMI_HOME and a project dir with Pulumi.yaml; the real CLI binary in a clean environment. */
function sandbox() {
  const root = mkdtempSync(join(tmpdir(), "cairn-s3-cli-"));
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(project);
  writeFileSync(join(project, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
  return {
    run(args: string[], credentials: Record<string, string> = serverEnv) {
      const env = {
        // No inherited AWS_* settings or ~/.aws files, and no instance-metadata probing.
        HOME: root,
        PULUMI_HOME: home,
        PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
        AWS_EC2_METADATA_DISABLED: "true",
        ...credentials,
      };
      const result = spawnSync(process.execPath, [CAIRN_BIN, ...args], { cwd: project, env, encoding: "utf8", input: "", timeout: 60_000 });
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    credentialsText: () => (existsSync(join(home, "credentials.json")) ? readFileSync(join(home, "credentials.json"), "utf8") : ""),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

let current: ReturnType<typeof sandbox> | undefined;
afterEach(() => current?.dispose());
const open = () => (current = sandbox());

describe("cairn CLI over s3://", () => {
  it("logs in, creates, imports, exports, removes a stack and logs out", { timeout: 60_000 }, () => {
    const cli = open();
    const url = serverUrl();
    const login = cli.run(["login", url]);
    expect(login.status, login.stderr).toBe(0);
    expect(cli.run(["stack", "init", "dev"]).status).toBe(0);
    expect(JSON.parse(cli.run(["stack", "ls", "--json"]).stdout).map((s: { name: string }) => s.name)).toEqual(["dev"]);
    const imported = cli.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
    expect(imported.status, imported.stderr).toBe(0);
    const exported = cli.run(["stack", "export"]);
    expect(exported.status, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual(JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8")));
    expect(cli.run(["stack", "rm", "--yes", "--force"]).status).toBe(0);
    expect(JSON.parse(cli.run(["stack", "ls", "--json"]).stdout)).toEqual([]);
    // Only the URL is stored, never a key.
    const stored = cli.credentialsText();
    expect(stored).toContain(`s3://${server.bucket}/`);
    expect(stored).not.toContain(server.secretAccessKey);
    expect(cli.run(["logout"]).status).toBe(0);
    expect(cli.credentialsText()).not.toContain("s3://");
  });

  it("refuses a missing bucket with NotFound and says to create it or check the name/region", () => {
    const cli = open();
    const result = cli.run(["login", serverUrl("p", "bucket-not-created")]);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("bucket-not-created");
    expect(result.stderr).toContain("create the bucket or check the name/region");
    expect(cli.credentialsText()).not.toContain("s3://");
  });

  it("refuses an unknown access key as Unauthenticated, naming the credential sources, printing and storing no secret", () => {
    const cli = open();
    const result = cli.run(["login", serverUrl()], { ...serverEnv, AWS_ACCESS_KEY_ID: "AKIAUNKNOWN", AWS_SECRET_ACCESS_KEY: WRONG_SECRET });
    expect(result.status).toBe(7);
    expect(result.stderr).toContain("AWS_ACCESS_KEY_ID");
    expect(result.stdout + result.stderr).not.toContain(WRONG_SECRET);
    expect(cli.credentialsText()).not.toContain("s3://");
  });

  it("refuses an unknown URL parameter, listing the accepted ones", () => {
    const cli = open();
    const result = cli.run(["login", `${serverUrl()}&storage_account=x`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown parameter "storage_account"');
    expect(result.stderr).toContain("region, endpoint, profile, role");
    expect(cli.credentialsText()).not.toContain("s3://");
  });
});
