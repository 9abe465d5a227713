import { describe, expect, it } from "vitest";
import { openAzblobUrl } from "../src/index.js";

const ACCOUNT_KEY = Buffer.from("account-key-never-shown").toString("base64");
const SAS = "sv=2024-01-01&sig=sas-signature-never-shown";
const CONNECTION_STRING = `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`;
const SECRETS = [ACCOUNT_KEY, "sas-signature-never-shown", CONNECTION_STRING];

describe("AzblobStore.credentialSource names the winning source, never the secret", () => {
  it.each([
    ["an account key (wins over everything else)", { AZURE_STORAGE_ACCOUNT: "acct", AZURE_STORAGE_KEY: ACCOUNT_KEY, AZURE_STORAGE_SAS_TOKEN: SAS }, "env:AZURE_STORAGE_KEY"],
    ["a SAS token", { AZURE_STORAGE_ACCOUNT: "acct", AZURE_STORAGE_SAS_TOKEN: SAS, AZURE_STORAGE_CONNECTION_STRING: CONNECTION_STRING }, "env:AZURE_STORAGE_SAS_TOKEN"],
    ["a connection string", { AZURE_STORAGE_CONNECTION_STRING: CONNECTION_STRING }, "env:AZURE_STORAGE_CONNECTION_STRING"],
    ["a connection string under the SDK's alias", { AZURE_STORAGEBLOB_CONNECTIONSTRING: CONNECTION_STRING }, "env:AZURE_STORAGEBLOB_CONNECTIONSTRING"],
    ["no key, token or connection string", { AZURE_STORAGE_ACCOUNT: "acct" }, "azure:DefaultAzureCredential"],
  ])("%s", async (_label, env, expected) => {
    // Opening builds a client and sends nothing.
    const store = await openAzblobUrl("azblob://state/p", env);
    expect(store.credentialSource).toBe(expected);
    for (const secret of SECRETS) expect(store.credentialSource).not.toContain(secret);
    await store.close();
  });
});
