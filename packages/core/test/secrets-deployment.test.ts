import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import {
  SECRET_SIGNATURE,
  SIGNATURE_KEY,
  createPassphraseManager,
  decryptDeploymentSecrets,
  encryptDeploymentSecrets,
  findSecretValues,
  hasEncryptedSecrets,
  hasPlaintextSecrets,
  isCairnError,
  openPassphraseManager,
  reencryptDeploymentSecrets,
  verifyDeploymentSecrets,
  type PassphraseSecretsManager,
  type SecretsManager,
  type UntypedDeployment,
} from "@cairn/core";
import { FIXTURE_PASSPHRASE, FIXTURES } from "./layout-test-helpers.js";

/** Pulumi's own state, written by the real Pulumi CLI (fixtures/pulumi/README.md). */
const FIXTURE = new URL("checkpoint-secrets.json", FIXTURES);
/** `pulumi stack export --show-secrets` of that same state: Pulumi's own decryption of it. */
const SHOWN = new URL("export-secrets-shown.json", FIXTURES);

/**
 * A stand-in provider of another type: a "ciphertext" is the standard base64 of the plaintext.
 * Counts its calls.
 */
function b64Manager(): SecretsManager & { decryptCalls: number } {
  return {
    type: "b64",
    state: {},
    decryptCalls: 0,
    async encrypt(plaintext) {
      return Buffer.from(plaintext, "utf8").toString("base64");
    },
    async decrypt(ciphertext) {
      this.decryptCalls += 1;
      return Buffer.from(ciphertext, "base64").toString("utf8");
    },
  };
}

/** `manager`, counting its decrypt calls (so tests can see batching). */
function counting(manager: SecretsManager): SecretsManager & { decryptCalls: number } {
  const wrapped = {
    type: manager.type,
    state: manager.state,
    decryptCalls: 0,
    encrypt: (plaintext: string) => manager.encrypt(plaintext),
    decrypt: (ciphertext: string) => {
      wrapped.decryptCalls += 1;
      return manager.decrypt(ciphertext);
    },
  };
  return wrapped;
}

async function fixtureDeployment(): Promise<UntypedDeployment> {
  const file = JSON.parse(await readFile(FIXTURE, "utf8")) as { version: number; checkpoint: { latest: Record<string, unknown> } };
  return { version: file.version, deployment: file.checkpoint.latest };
}

/** The passphrase provider the fixture's `secrets_providers` records, opened with its passphrase. */
async function fixtureManager(deployment: UntypedDeployment): Promise<PassphraseSecretsManager> {
  const provider = (deployment.deployment as { secrets_providers: { type: string; state: { salt: string } } }).secrets_providers;
  expect(provider.type).toBe("passphrase");
  return openPassphraseManager(provider.state, FIXTURE_PASSPHRASE);
}

const secret = (plaintext: unknown) => ({ [SIGNATURE_KEY]: SECRET_SIGNATURE, plaintext: JSON.stringify(plaintext) });

/** A deployment with plaintext secrets in inputs, outputs, nested arrays and a pending operation. */
function plaintextDeployment(): UntypedDeployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2024-01-01T00:00:00Z", magic: "m", version: "v3.100.0" },
      resources: [
        {
          urn: "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
          type: "pulumi:pulumi:Stack",
          custom: false,
          outputs: { dbPassword: secret("hunter2-db-password"), plain: "visible" },
        },
        {
          urn: "urn:pulumi:dev::proj::aws:rds/instance:Instance::db",
          type: "aws:rds/instance:Instance",
          custom: true,
          id: "db-1",
          inputs: { password: secret("hunter2-db-password"), tags: [{ token: secret({ api: "tok-8c1f9e" }) }] },
          outputs: { port: 5432, masterKey: secret(["key-one-9a7", 42, null]) },
        },
      ],
      pending_operations: [
        { type: "creating", resource: { urn: "urn:x", type: "t", custom: true, inputs: { s: secret("pending-secret-55e") } } },
      ],
    },
  };
}
const PLAINTEXT_MARKERS = ["hunter2-db-password", "tok-8c1f9e", "key-one-9a7", "pending-secret-55e"];

describe("the secret walker on Pulumi's passphrase fixture", () => {
  let fixtureKey: PassphraseSecretsManager;
  beforeAll(async () => {
    fixtureKey = await fixtureManager(await fixtureDeployment());
  });

  it("finds every secret and decrypts each to what `pulumi stack export --show-secrets` printed", async () => {
    const deployment = await fixtureDeployment();
    const raw = await readFile(FIXTURE, "utf8");
    const expectedCount = raw.split(SECRET_SIGNATURE).length - 1;
    expect(expectedCount).toBeGreaterThan(2);
    const found = findSecretValues(deployment.deployment, ["secrets_providers"]);
    expect(found).toHaveLength(expectedCount);
    expect(found.map((item) => item.path)).toEqual(
      expect.arrayContaining(["resources[0].outputs.configSecret", "resources[0].outputs.secretOutput", "resources[1].outputs.secret"]),
    );

    const manager = counting(fixtureKey);
    const decrypted = await decryptDeploymentSecrets(deployment, manager);
    const shown = JSON.parse(await readFile(SHOWN, "utf8")) as UntypedDeployment;
    const pathsAndSecrets = (body: unknown) => findSecretValues(body, ["secrets_providers"]).map(({ path, secret }) => ({ path, secret }));
    // Pulumi's own decryption of the same state, secret by secret.
    expect(pathsAndSecrets(decrypted.deployment)).toEqual(pathsAndSecrets(shown.deployment));
    for (const item of findSecretValues(decrypted.deployment)) {
      expect(Object.keys(item.secret)).toEqual([SIGNATURE_KEY, "plaintext"]);
      expect(typeof JSON.parse(item.secret["plaintext"] as string)).toBe("string");
    }
    expect(manager.decryptCalls).toBe(new Set(found.map((item) => item.secret["ciphertext"])).size);
    expect(hasPlaintextSecrets(decrypted)).toBe(true);
    expect(hasEncryptedSecrets(decrypted)).toBe(false);
  });

  it("decrypts a ciphertext that occurs twice only once", async () => {
    const deployment = await fixtureDeployment();
    const [first, second] = findSecretValues(deployment.deployment, ["secrets_providers"]);
    (second!.container as Record<string | number, unknown>)[second!.key] = structuredClone(first!.secret);
    const count = findSecretValues(deployment.deployment, ["secrets_providers"]).length;
    const manager = counting(fixtureKey);
    const decrypted = await decryptDeploymentSecrets(deployment, manager);
    expect(manager.decryptCalls).toBe(count - 1);
    const revealed = findSecretValues(decrypted.deployment, ["secrets_providers"]);
    expect(revealed[1]!.secret).toEqual(revealed[0]!.secret);
  });

  it("never mutates its input", async () => {
    const deployment = await fixtureDeployment();
    const before = JSON.stringify(deployment);
    const decrypted = await decryptDeploymentSecrets(deployment, fixtureKey);
    await encryptDeploymentSecrets(decrypted, fixtureKey);
    expect(JSON.stringify(deployment)).toBe(before);
    expect(hasPlaintextSecrets(deployment)).toBe(false);
  });

  it("refuses another passphrase, and a provider of another type", async () => {
    const deployment = await fixtureDeployment();
    const state = (deployment.deployment as { secrets_providers: { state: { salt: string } } }).secrets_providers.state;
    await expect(openPassphraseManager(state, `${FIXTURE_PASSPHRASE}!`)).rejects.toMatchObject({ code: "PermissionDenied" });
    await expect(decryptDeploymentSecrets(deployment, b64Manager())).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("passphrase"),
    });
  });
});

describe("deployments under the passphrase provider", () => {
  let manager: PassphraseSecretsManager;
  beforeAll(async () => {
    manager = await createPassphraseManager("round-trip passphrase");
  });

  it("round trip: no plaintext in the encrypted bytes, and decrypting gives back the original", async () => {
    const original = plaintextDeployment();
    expect(hasPlaintextSecrets(original)).toBe(true);
    const encrypted = await encryptDeploymentSecrets(original, manager);
    const bytes = JSON.stringify(encrypted);
    for (const marker of PLAINTEXT_MARKERS) expect(bytes).not.toContain(marker);
    expect(bytes).not.toContain('"plaintext"');
    expect(hasPlaintextSecrets(encrypted)).toBe(false);
    expect((encrypted.deployment as Record<string, unknown>)["secrets_providers"]).toEqual({
      type: "passphrase",
      state: { salt: manager.encryptionSalt },
    });

    const decrypted = await decryptDeploymentSecrets(encrypted, manager);
    const { secrets_providers: _provider, ...body } = decrypted.deployment as Record<string, unknown>;
    expect({ ...decrypted, deployment: body }).toEqual(original);
  });

  it("re-encrypts under a new passphrase: the old one no longer opens it, the new one does", async () => {
    const encrypted = await encryptDeploymentSecrets(plaintextDeployment(), manager);
    const next = await createPassphraseManager("the new passphrase");
    const moved = await reencryptDeploymentSecrets(encrypted, manager, next);
    const state = (moved.deployment as { secrets_providers: { state: { salt: string } } }).secrets_providers.state;
    expect(state.salt).toBe(next.encryptionSalt);
    for (const marker of PLAINTEXT_MARKERS) expect(JSON.stringify(moved)).not.toContain(marker);

    await expect(openPassphraseManager(state, "round-trip passphrase")).rejects.toMatchObject({ code: "PermissionDenied" });
    const reopened = await openPassphraseManager(state, "the new passphrase");
    const decrypted = await decryptDeploymentSecrets(moved, reopened);
    expect(JSON.stringify(decrypted)).toContain(JSON.stringify(JSON.stringify("hunter2-db-password")));
  });

  it("a corrupted ciphertext names its path, leaks no plaintext, and leaves the input intact", async () => {
    const encrypted = await encryptDeploymentSecrets(plaintextDeployment(), manager);
    const target = findSecretValues(encrypted.deployment).find((item) => item.path === "resources[1].outputs.masterKey")!;
    target.secret["ciphertext"] = (target.secret["ciphertext"] as string).replace(/.(?=.{4}$)/, (char) => (char === "A" ? "B" : "A"));
    const before = JSON.stringify(encrypted);
    const error: unknown = await decryptDeploymentSecrets(encrypted, manager).catch((caught: unknown) => caught);
    expect(isCairnError(error, "InvalidArgument")).toBe(true);
    expect((error as Error).message).toContain("resources[1].outputs.masterKey");
    const texts = [String(error), String((error as Error).stack), JSON.stringify(error), String((error as Error).cause)];
    for (const text of texts) for (const marker of PLAINTEXT_MARKERS) expect(text).not.toContain(marker);
    expect(JSON.stringify(encrypted)).toBe(before);
  });

  it("refuses ciphertext from another provider on import, and malformed secrets", async () => {
    const foreign = await encryptDeploymentSecrets(plaintextDeployment(), b64Manager());
    await expect(encryptDeploymentSecrets(foreign, manager)).rejects.toMatchObject({ code: "InvalidArgument" });

    const both = plaintextDeployment();
    const stack = (both.deployment as { resources: Array<{ outputs: Record<string, Record<string, unknown>> }> }).resources[0]!;
    stack.outputs["dbPassword"]!["ciphertext"] = "v1:x:y";
    await expect(encryptDeploymentSecrets(both, manager)).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("resources[0].outputs.dbPassword"),
    });

    const notJson = plaintextDeployment();
    const first = (notJson.deployment as { resources: Array<{ outputs: Record<string, Record<string, unknown>> }> }).resources[0]!;
    first.outputs["dbPassword"]!["plaintext"] = "bare-secret-not-json";
    const error: unknown = await encryptDeploymentSecrets(notJson, manager).catch((caught: unknown) => caught);
    expect(isCairnError(error, "InvalidArgument")).toBe(true);
    expect(String(error) + String((error as Error).cause)).not.toContain("bare-secret-not-json");
  });
});

describe("verifyDeploymentSecrets (what `stack import` checks before writing)", () => {
  let fixtureKey: PassphraseSecretsManager;
  beforeAll(async () => {
    fixtureKey = await fixtureManager(await fixtureDeployment());
  });

  it("accepts Pulumi's own ciphertext", async () => {
    await expect(verifyDeploymentSecrets(await fixtureDeployment(), fixtureKey)).resolves.toBeUndefined();
  });

  it("refuses garbage ciphertext with InvalidArgument, naming the secret's path and its resource's URN", async () => {
    const deployment = await fixtureDeployment();
    const resources = (deployment.deployment as { resources: Array<{ urn: string; outputs: Record<string, unknown> }> }).resources;
    resources[1]!.outputs.secret = { [SIGNATURE_KEY]: SECRET_SIGNATURE, ciphertext: "garbage" };
    const error = await verifyDeploymentSecrets(deployment, fixtureKey).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isCairnError(error, "InvalidArgument")).toBe(true);
    expect((error as Error).message).toBe(
      `invalid deployment: could not decrypt the secret at deployment.resources[1].outputs.secret (resource ${resources[1]!.urn}): malformed passphrase ciphertext: it does not have the form v1:<nonce>:<ciphertext>`,
    );
  });
});
