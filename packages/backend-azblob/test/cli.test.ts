import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, accountKeyEnv, cleanEnv, connectionStringEnv, createContainer, deleteContainer, emulatorParameters, uniqueContainerName } from "./azurite-fixture.js";

const CAIRN_BIN = fileURLToPath(new URL("../../../apps/cli/bin/cairn.js", import.meta.url));
const SAMPLE_DEPLOYMENT = fileURLToPath(new URL("../../../examples/sample-deployment.json", import.meta.url));

/** A temp PULUMI_HOME and a project directory with Pulumi.yaml, driven through the real CLI binary. */
function sandbox() {
  const root = mkdtempSync(join(tmpdir(), "cairn-azblob-cli-"));
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(project);
  writeFileSync(join(project, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
  return {
    home,
    run(args: string[], env: Record<string, string | undefined>) {
      const result = spawnSync(process.execPath, [CAIRN_BIN, ...args], {
        cwd: project,
        env: { ...env, PULUMI_HOME: home, PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple", PULUMI_BACKEND_URL: undefined },
        encoding: "utf8",
        input: "",
        timeout: 60_000,
      });
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    credentialsText: () => (existsSync(join(home, "credentials.json")) ? readFileSync(join(home, "credentials.json"), "utf8") : ""),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

const container = uniqueContainerName("cli");
beforeAll(() => createContainer(container));
afterAll(() => deleteContainer(container));

let current: ReturnType<typeof sandbox> | undefined;
afterEach(() => current?.dispose());
const open = () => (current = sandbox());

// Each test spawns the CLI several times; on a loaded machine that takes well over the default 5 s.
describe("cairn CLI over azblob://", { timeout: 90_000 }, () => {
  it.each([
    ["a connection string", () => `azblob://${container}/conn`, connectionStringEnv],
    ["an account key with the emulator endpoint in the URL", () => `azblob://${container}/key?${emulatorParameters()}`, accountKeyEnv],
  ])("logs in, creates, imports, exports, removes a stack and logs out with %s", (_label, urlOf, envOf) => {
    const cli = open();
    const url = urlOf();
    const env = envOf();
    const login = cli.run(["login", url], env);
    expect(login.stderr).toBe("");
    expect(login.status).toBe(0);
    expect(cli.run(["stack", "init", "dev"], env).status).toBe(0);
    expect(JSON.parse(cli.run(["stack", "ls", "--json"], env).stdout).map((s: { name: string }) => s.name)).toEqual(["dev"]);
    const imported = cli.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT], env);
    expect(imported.status, imported.stderr).toBe(0);
    const exported = cli.run(["stack", "export"], env);
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual(JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8")));
    expect(cli.run(["stack", "rm", "--yes", "--force"], env).status).toBe(0);
    expect(JSON.parse(cli.run(["stack", "ls", "--json"], env).stdout)).toEqual([]);
    // Only the URL is stored: never the key or the connection string.
    const stored = cli.credentialsText();
    expect(stored).toContain(url.replace(/&/g, "\\u0026"));
    expect(stored).not.toContain(AZURITE_ACCOUNT_KEY);
    expect(cli.run(["logout"], env).status).toBe(0);
    expect(cli.credentialsText()).not.toContain(`azblob://${container}`);
  });

  it("refuses a missing container with NotFound and says how to create it", () => {
    const cli = open();
    const result = cli.run(["login", "azblob://not-created-here"], connectionStringEnv());
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/container "not-created-here" does not exist/);
    expect(result.stderr).toMatch(/az storage container create --name not-created-here/);
    expect(cli.credentialsText()).not.toContain("azblob://");
  });

  it("refuses a wrong account key, naming where credentials come from, without printing or storing it", () => {
    const cli = open();
    const wrongKey = Buffer.from("definitely-wrong").toString("base64");
    const env = cleanEnv({ AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT_NAME, AZURE_STORAGE_KEY: wrongKey });
    const result = cli.run(["login", `azblob://${container}?${emulatorParameters()}`], env);
    expect(result.status).toBe(7);
    expect(result.stderr).toMatch(/AZURE_STORAGE_KEY/);
    expect(result.stdout + result.stderr).not.toContain(wrongKey);
    expect(cli.credentialsText()).not.toContain("azblob://");
  });

  it("refuses an unknown URL parameter, listing the accepted ones", () => {
    const cli = open();
    const result = cli.run(["login", `azblob://${container}?region=westeurope`], connectionStringEnv());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown parameter "region"/);
    expect(result.stderr).toMatch(/storage_account, domain, protocol, cdn, localemu/);
    expect(cli.credentialsText()).not.toContain("azblob://");
  });
});
