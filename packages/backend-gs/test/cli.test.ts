import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, inject } from "vitest";
import { testUrl } from "./helpers.js";

const CAIRN_BIN = fileURLToPath(new URL("../../../apps/cli/bin/cairn.js", import.meta.url));
const SAMPLE = fileURLToPath(new URL("../../../examples/sample-deployment.json", import.meta.url));

const root = mkdtempSync(join(tmpdir(), "cairn-gs-cli-"));
const home = join(root, "home");
const project = join(root, "project");
mkdirSync(project);
writeFileSync(join(project, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the real CLI with only the variables it needs: nothing from this machine's GCP setup. */
function cairn(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CAIRN_BIN, ...args], {
    cwd: project,
    encoding: "utf8",
    input: "",
    env: { PATH: process.env.PATH ?? "", HOME: root, PULUMI_HOME: home, PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple", METADATA_SERVER_DETECTION: "none", ...env },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const credentialsFile = () => join(home, "credentials.json");
const storedCredentials = () => (existsSync(credentialsFile()) ? readFileSync(credentialsFile(), "utf8") : "");

describe("cairn CLI on gs://", { timeout: 30_000 }, () => {
  it("logs in, inits, lists, imports, exports, removes and logs out", { timeout: 60_000 }, () => {
    const url = testUrl(`cli-${Date.now()}`).href;
    const login = cairn(["login", url]);
    expect(login.stderr).toBe("");
    expect(login.status).toBe(0);
    expect(cairn(["stack", "init", "dev"]).status).toBe(0);

    const ls = cairn(["stack", "ls", "--json"]);
    expect(ls.status).toBe(0);
    expect((JSON.parse(ls.stdout) as Array<{ name: string }>).map((stack) => stack.name)).toEqual(["dev"]);

    expect(cairn(["stack", "import", "--file", SAMPLE]).status).toBe(0);
    const exported = cairn(["stack", "export"]);
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual(JSON.parse(readFileSync(SAMPLE, "utf8")));

    expect(cairn(["stack", "rm", "--yes", "--force"]).status).toBe(0);
    expect(JSON.parse(cairn(["stack", "ls", "--json"]).stdout)).toEqual([]);
    expect(cairn(["logout"]).status).toBe(0);
    expect(storedCredentials()).not.toContain(url);
  });

  it("a missing bucket fails login with a hint to create it, storing nothing", () => {
    const url = testUrl("p", inject("gcsEndpoint"), "no-such-bucket").href;
    const result = cairn(["login", url]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/no-such-bucket does not exist/);
    expect(result.stderr).toMatch(/gcloud storage buckets create gs:\/\/no-such-bucket/);
    expect(storedCredentials()).not.toContain("no-such-bucket");
  });

  it("refused credentials fail login naming the credential sources, storing nothing", () => {
    const url = testUrl("p", inject("gcsAuthEndpoint")).href;
    const result = cairn(["login", url]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/);
    expect(storedCredentials()).not.toContain(inject("gcsAuthEndpoint").replace(/.*:/, ""));
  });

  it("malformed GOOGLE_CREDENTIALS fail without echoing them", () => {
    const result = cairn(["login", testUrl("p").href], { GOOGLE_CREDENTIALS: "secret-not-json" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/GOOGLE_CREDENTIALS is set but is not a JSON key/);
    expect(result.stderr + result.stdout).not.toContain("secret-not-json");
  });

  it("an unknown URL parameter fails, listing the accepted ones", () => {
    const result = cairn(["login", "gs://cairn-test/p?region=us"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/region/);
    expect(result.stderr).toMatch(/anonymous, access_id, private_key_path, endpoint/);
    expect(storedCredentials()).not.toContain("region=us");
  });
});
