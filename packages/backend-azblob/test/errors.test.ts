import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } from "@azure/storage-blob";
import { classifyAzblobError, openAzblobUrl } from "../src/index.js";
import {
  AZURITE_ACCOUNT_KEY,
  AZURITE_ACCOUNT_NAME,
  accountKeyEnv,
  cleanEnv,
  connectionStringEnv,
  createContainer,
  deleteContainer,
  emulatorParameters,
  uniqueContainerName,
} from "./azurite-fixture.js";
import { inject } from "vitest";
import { cairnErrorFrom } from "@cairn/conformance";

const container = uniqueContainerName("errors");
beforeAll(() => createContainer(container));
afterAll(() => deleteContainer(container));

describe("azblob errors from a real Azurite", { timeout: 30_000 }, () => {
  it("reports a missing container as NotFound, with a hint to create it, on every operation", async () => {
    const store = await openAzblobUrl("azblob://no-such-container", connectionStringEnv());
    for (const action of [() => store.get("k"), () => store.put("k", new Uint8Array([1])), () => store.list(""), () => store.delete("k")]) {
      const error = await cairnErrorFrom(action);
      expect(error.code).toBe("NotFound");
      expect(error.hint).toMatch(/container "no-such-container" does not exist.*az storage container create --name no-such-container/);
    }
  });

  it("reports a wrong account key as refused, naming the credential sources and never the key", async () => {
    const wrongKey = Buffer.from("not-the-right-key").toString("base64");
    const env = cleanEnv({ AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT_NAME, AZURE_STORAGE_KEY: wrongKey });
    const store = await openAzblobUrl(`azblob://${container}?${emulatorParameters()}`, env);
    const error = await cairnErrorFrom(() => store.get("k"));
    expect(["Unauthenticated", "PermissionDenied"]).toContain(error.code);
    expect(error.retryable).toBe(false);
    expect(error.hint).toMatch(/AZURE_STORAGE_KEY.*AZURE_STORAGE_SAS_TOKEN.*AZURE_STORAGE_CONNECTION_STRING.*az login/);
    expect(`${error.message} ${error.hint}`).not.toContain(wrongKey);
  });

  it("reports an unreachable endpoint as Unavailable and retryable, after bounded retries", async () => {
    const store = await openAzblobUrl(`azblob://${container}?localemu=true&domain=127.0.0.1:1&protocol=http`, accountKeyEnv());
    const started = Date.now();
    const error = await cairnErrorFrom(() => store.get("k"));
    expect(error.code).toBe("Unavailable");
    expect(error.retryable).toBe(true);
    expect(error.hint).toMatch(/could not reach http:\/\/127\.0\.0\.1:1\/devstoreaccount1/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("maps conditional-write refusals to Conflict: 409 BlobAlreadyExists and 412 ConditionNotMet", async () => {
    const store = await openAzblobUrl(`azblob://${container}/conflicts`, connectionStringEnv());
    const version = await store.put("k", new Uint8Array([1]), { ifNoneMatch: "*" });
    const exists = await cairnErrorFrom(() => store.put("k", new Uint8Array([2]), { ifNoneMatch: "*" }));
    expect(exists.code).toBe("Conflict");
    expect(classifyAzblobError(exists.cause)).toBe("Conflict");
    expect((exists.cause as { statusCode?: number }).statusCode).toBe(409);
    await store.put("k", new Uint8Array([3]), { ifMatch: version });
    const stale = await cairnErrorFrom(() => store.put("k", new Uint8Array([4]), { ifMatch: version }));
    expect(stale.code).toBe("Conflict");
    expect((stale.cause as { statusCode?: number }).statusCode).toBe(412);
    expect(Array.from((await store.get("k"))!.bytes)).toEqual([3]);
  });

  it("works with a SAS token, the endpoint coming from the environment only", async () => {
    const sas = generateBlobSASQueryParameters(
      { containerName: container, permissions: ContainerSASPermissions.parse("racwdl"), expiresOn: new Date(Date.now() + 3_600_000) },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    ).toString();
    const env = cleanEnv({
      AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT_NAME,
      AZURE_STORAGE_SAS_TOKEN: sas,
      AZURE_STORAGE_DOMAIN: inject("azuriteHost"),
      AZURE_STORAGE_PROTOCOL: "http",
      AZURE_STORAGE_IS_LOCAL_EMULATOR: "true",
    });
    const store = await openAzblobUrl(`azblob://${container}/sas`, env);
    await store.put("k", new TextEncoder().encode("via sas"));
    expect(new TextDecoder().decode((await store.get("k"))!.bytes)).toBe("via sas");
    expect((await store.list("")).objects.map((o) => o.key)).toEqual(["k"]);
    expect(store.url).not.toContain("sig=");
  });

  it("classifies SDK error shapes without loading the SDK", () => {
    expect(classifyAzblobError({ statusCode: 404, code: "ContainerNotFound" })).toBe("NotFound");
    expect(classifyAzblobError({ statusCode: 403, code: "AuthenticationFailed" })).toBe("Unauthenticated");
    expect(classifyAzblobError({ statusCode: 403, code: "AuthorizationPermissionMismatch" })).toBe("PermissionDenied");
    expect(classifyAzblobError({ statusCode: 503, code: "ServerBusy" })).toBe("RateLimited");
    expect(classifyAzblobError({ statusCode: 500 })).toBe("Unavailable");
    // Azure's exceptions to core's status table: every 5xx is the service failing.
    expect(classifyAzblobError({ statusCode: 501 })).toBe("Unavailable");
    expect(classifyAzblobError({ statusCode: 504 })).toBe("Unavailable");
    expect(classifyAzblobError({ statusCode: 412 })).toBe("Conflict");
    expect(classifyAzblobError({ code: "ECONNRESET" })).toBe("Unavailable");
    expect(classifyAzblobError({ name: "CredentialUnavailableError" })).toBe("Unauthenticated");
    expect(classifyAzblobError({ name: "AbortError" })).toBe("Canceled");
    expect(classifyAzblobError(new Error("x"))).toBe("Internal");
  });
});
