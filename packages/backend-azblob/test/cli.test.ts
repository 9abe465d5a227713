import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkCliLifecycle, createCliSandbox, type CliSandbox } from "@cairn/test-servers/cli-sandbox";
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, accountKeyEnv, cleanEnv, connectionStringEnv, createContainer, deleteContainer, emulatorParameters, uniqueContainerName } from "./azurite-fixture.js";

const container = uniqueContainerName("cli");
beforeAll(() => createContainer(container));
afterAll(() => deleteContainer(container));

let current: CliSandbox | undefined;
afterEach(() => current?.dispose());
const open = () => (current = createCliSandbox());

// Each test spawns the CLI several times; on a loaded machine that takes well over the default 5 s.
describe("cairn CLI over azblob://", { timeout: 90_000 }, () => {
  it.each([
    ["a connection string", () => `azblob://${container}/conn`, connectionStringEnv, "env:AZURE_STORAGE_CONNECTION_STRING"],
    ["an account key with the emulator endpoint in the URL", () => `azblob://${container}/key?${emulatorParameters()}`, accountKeyEnv, "env:AZURE_STORAGE_KEY"],
  ])("logs in, creates, imports, exports, removes a stack and logs out with %s", (_label, urlOf, envOf, credentialSource) => {
    checkCliLifecycle(open(), urlOf(), { env: envOf(), secrets: [AZURITE_ACCOUNT_KEY], credentialSource });
  });

  it("refuses a missing container with NotFound and says how to create it", () => {
    const cli = open();
    const result = cli.run(["login", "azblob://not-created-here"], connectionStringEnv());
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/container "not-created-here" does not exist/);
    expect(result.stderr).toMatch(/az storage container create --name not-created-here/);
    expect(cli.storedCredentials()).not.toContain("azblob://");
  });

  it("refuses a wrong account key, naming where credentials come from, without printing or storing it", () => {
    const cli = open();
    const wrongKey = Buffer.from("definitely-wrong").toString("base64");
    const env = cleanEnv({ AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT_NAME, AZURE_STORAGE_KEY: wrongKey });
    const result = cli.run(["login", `azblob://${container}?${emulatorParameters()}`], env);
    expect(result.status).toBe(7);
    expect(result.stderr).toMatch(/AZURE_STORAGE_KEY/);
    expect(result.stdout + result.stderr).not.toContain(wrongKey);
    expect(cli.storedCredentials()).not.toContain("azblob://");
  });

  it("refuses an unknown URL parameter, listing the accepted ones", () => {
    const cli = open();
    const result = cli.run(["login", `azblob://${container}?region=westeurope`], connectionStringEnv());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown parameter "region"/);
    expect(result.stderr).toMatch(/storage_account, domain, protocol, cdn, localemu/);
    expect(cli.storedCredentials()).not.toContain("azblob://");
  });
});
