import { describe, expect, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { parseAzblobUrl, resolveAzblobCredential, serviceUrlOf } from "../src/index.js";

const serviceUrl = (url: string, env: Record<string, string> = {}) => serviceUrlOf(parseAzblobUrl(new URL(url), env).endpoint);

function expectInvalid(action: () => unknown, messagePart: RegExp, hintPart?: RegExp): void {
  try {
    action();
  } catch (error) {
    expect(isCairnError(error, "InvalidArgument")).toBe(true);
    expect((error as Error).message).toMatch(messagePart);
    if (hintPart) expect((error as { hint?: string }).hint).toMatch(hintPart);
    return;
  }
  throw new Error("expected InvalidArgument");
}

describe("azblob URL", () => {
  it("takes the container from the host and the prefix from the path", () => {
    const location = parseAzblobUrl(new URL("azblob://my-state/team%20a/prod"), { AZURE_STORAGE_ACCOUNT: "acct" });
    expect(location.container).toBe("my-state");
    expect(location.prefixPath).toBe("/team%20a/prod");
    expect(parseAzblobUrl(new URL("azblob://my-state"), {}).prefixPath).toBe("");
  });

  it("builds the public-cloud endpoint from AZURE_STORAGE_ACCOUNT", () => {
    expect(serviceUrl("azblob://c01", { AZURE_STORAGE_ACCOUNT: "acct" })).toBe("https://acct.blob.core.windows.net");
  });

  it("lets storage_account, domain and protocol override the environment", () => {
    const env = { AZURE_STORAGE_ACCOUNT: "envacct", AZURE_STORAGE_DOMAIN: "blob.core.chinacloudapi.cn", AZURE_STORAGE_PROTOCOL: "https" };
    expect(serviceUrl("azblob://c01", env)).toBe("https://envacct.blob.core.chinacloudapi.cn");
    expect(serviceUrl("azblob://c01?storage_account=urlacct&domain=blob.core.usgovcloudapi.net&protocol=http", env)).toBe("http://urlacct.blob.core.usgovcloudapi.net");
  });

  it("drops the account for a CDN (cdn=true or AZURE_STORAGE_IS_CDN)", () => {
    expect(serviceUrl("azblob://c01?cdn=true&domain=x.azureedge.net", { AZURE_STORAGE_ACCOUNT: "a" })).toBe("https://x.azureedge.net");
    expect(serviceUrl("azblob://c01", { AZURE_STORAGE_ACCOUNT: "a", AZURE_STORAGE_DOMAIN: "x.azureedge.net", AZURE_STORAGE_IS_CDN: "1" })).toBe("https://x.azureedge.net");
    expect(serviceUrl("azblob://c01?cdn=false", { AZURE_STORAGE_ACCOUNT: "a", AZURE_STORAGE_IS_CDN: "true" })).toBe("https://a.blob.core.windows.net");
  });

  it("puts the account in the path for an emulator (localemu, AZURE_STORAGE_IS_LOCAL_EMULATOR, or a localhost domain)", () => {
    const env = { AZURE_STORAGE_ACCOUNT: "devstoreaccount1" };
    expect(serviceUrl("azblob://c01?localemu=true&domain=azurite:10000&protocol=http", env)).toBe("http://azurite:10000/devstoreaccount1");
    expect(serviceUrl("azblob://c01?domain=127.0.0.1:10000&protocol=http", env)).toBe("http://127.0.0.1:10000/devstoreaccount1");
    expect(serviceUrl("azblob://c01?domain=localhost:10000", env)).toBe("https://localhost:10000/devstoreaccount1");
    expect(serviceUrl("azblob://c01", { ...env, AZURE_STORAGE_IS_LOCAL_EMULATOR: "true", AZURE_STORAGE_DOMAIN: "emu:1" })).toBe("https://emu:1/devstoreaccount1");
  });

  it("takes the account name and protocol defaults from a connection string, never its key", () => {
    const env = { AZURE_STORAGEBLOB_CONNECTIONSTRING: "DefaultEndpointsProtocol=http;AccountName=csacct;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net" };
    const location = parseAzblobUrl(new URL("azblob://c01"), env);
    expect(location.endpoint.accountName).toBe("csacct");
    expect(location.endpoint.protocol).toBe("http");
    expect(JSON.stringify(location)).not.toContain("c2VjcmV0");
  });

  it("refuses an unknown parameter, naming the accepted ones", () => {
    expectInvalid(() => parseAzblobUrl(new URL("azblob://c01?region=westeurope"), {}), /unknown parameter "region"/, /storage_account, domain, protocol, cdn, localemu/);
  });

  it("refuses bad container names, bad booleans, bad protocols, ports and credentials in the URL", () => {
    expectInvalid(() => parseAzblobUrl(new URL("azblob://My_Container"), {}), /not a valid container name/, /azblob:\/\/<container>/);
    expectInvalid(() => parseAzblobUrl(new URL("azblob://ab"), {}), /not a valid container name/);
    expectInvalid(() => parseAzblobUrl(new URL("azblob://a--b"), {}), /not a valid container name/);
    expectInvalid(() => parseAzblobUrl(new URL("azblob://c01?cdn=maybe"), {}), /cdn="maybe" is not a boolean/);
    expectInvalid(() => parseAzblobUrl(new URL("azblob://c01?protocol=ftp"), {}), /must be http or https/);
    expectInvalid(() => parseAzblobUrl(new URL("azblob://c01:10000"), {}), /has no port/);
    expectInvalid(() => parseAzblobUrl(new URL("azblob://user:pw@c01"), {}), /credentials never go in the URL/);
    expectInvalid(() => parseAzblobUrl(new URL("s3://c01"), {}), /not an azblob/);
    expectInvalid(() => parseAzblobUrl(new URL("azblob://c01?domain=a&domain=b"), {}), /given twice/);
  });

  it("needs an account name unless a connection string supplies the endpoint", () => {
    expectInvalid(() => serviceUrl("azblob://c01"), /no Azure storage account/, /AZURE_STORAGE_ACCOUNT/);
  });
});

describe("azblob credential order", () => {
  const resolve = (url: string, env: Record<string, string>) => resolveAzblobCredential(parseAzblobUrl(new URL(url), env), env).kind;
  const all = { AZURE_STORAGE_ACCOUNT: "a", AZURE_STORAGE_KEY: "k2V5", AZURE_STORAGE_SAS_TOKEN: "sv=1&sig=x", AZURE_STORAGE_CONNECTION_STRING: "AccountName=a;AccountKey=k2V5" };

  it("prefers account key, then SAS token, then connection string, then Azure AD", () => {
    expect(resolve("azblob://c01", all)).toBe("shared-key");
    expect(resolve("azblob://c01", { ...all, AZURE_STORAGE_KEY: "" })).toBe("sas");
    expect(resolve("azblob://c01", { AZURE_STORAGE_ACCOUNT: "a", AZURE_STORAGE_CONNECTION_STRING: all.AZURE_STORAGE_CONNECTION_STRING })).toBe("connection-string");
    expect(resolve("azblob://c01", { AZURE_STORAGEBLOB_CONNECTIONSTRING: all.AZURE_STORAGE_CONNECTION_STRING })).toBe("connection-string");
    expect(resolve("azblob://c01", { AZURE_STORAGE_ACCOUNT: "a" })).toBe("azure-ad");
  });

  it("uses the key with the URL's storage_account when the environment names none", () => {
    expect(resolve("azblob://c01?storage_account=a", { AZURE_STORAGE_KEY: "k2V5" })).toBe("shared-key");
    expect(resolve("azblob://c01", { AZURE_STORAGE_KEY: "k2V5" })).toBe("azure-ad");
  });

  it("refuses a URL that moves the endpoint while a SAS token is in use, without echoing the token", () => {
    const env = { AZURE_STORAGE_ACCOUNT: "a", AZURE_STORAGE_SAS_TOKEN: "sv=1&sig=TOPSECRET" };
    for (const parameter of ["domain=evil.example", "protocol=http", "storage_account=other", "cdn=true", "localemu=true"]) {
      try {
        resolve(`azblob://c01?${parameter}`, env);
        throw new Error(`${parameter} was accepted`);
      } catch (error) {
        expect(isCairnError(error, "InvalidArgument")).toBe(true);
        expect((error as Error).message).toMatch(/may not change the service endpoint/);
        expect(`${(error as Error).message} ${(error as { hint?: string }).hint}`).not.toContain("TOPSECRET");
      }
    }
    expect(resolve("azblob://c01/prefix", env)).toBe("sas");
  });
});
