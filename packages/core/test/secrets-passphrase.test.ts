import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createPassphraseManager,
  derivePassphraseKey,
  isCairnError,
  openPassphraseManager,
  type PassphraseKeyDeriver,
} from "@cairn/core";

// Pulumi's own test vectors: an `encryptionsalt` (which seals the known plaintext "pulumi") and the
// passphrase that opens it. Each open derives one key (~0.2-1 s), so the list is kept short.
const PULUMI_STATES = [
  // pkg/secrets/passphrase/manager_test.go (`state`, opened with PULUMI_CONFIG_PASSPHRASE=password)
  { passphrase: "password", salt: "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==" },
  // pkg/backend/diy/backend_test.go TestListStacksWithMultiplePassphrases (stack "a")
  { passphrase: "abc123", salt: "v1:4iF78gb0nF0=:v1:Co6IbTWYs/UdrjgY:FSrAWOFZnj9ealCUDdJL7LrUKXX9BA==" },
];

// tests/roundtrip/roundtrip_test.go TestConfigRoundtripComments: Pulumi.test.yaml written by Pulumi with
// e.Passphrase = "TestConfigRoundtripComments"; `foo:d` is `secure:` "secret-value" (config values are
// sealed as the raw string; state secrets seal the value's JSON encoding).
const ROUNDTRIP_CONFIG = {
  passphrase: "TestConfigRoundtripComments",
  salt: "v1:ThS5UPxP9qc=:v1:UZYAXF+ylaJ0rGhv:9OTvBnOEDFgxs7btjzSu+LZ470vLpg==",
  secure: "v1:T1ftqhY0hqr+EJK6:+jvd5PMecFx80tcavzuZY4tLatgIfoe/xR72GA==",
  plaintext: "secret-value",
};

/** An implementation written from the spec's parameters alone, to check cairn against. */
const reference = {
  key(passphrase: string, saltBase64: string): Buffer {
    return pbkdf2Sync(passphrase, Buffer.from(saltBase64, "base64"), 1_000_000, 32, "sha256");
  },
  open(key: Buffer, ciphertext: string): string {
    const [version, nonce, sealed] = ciphertext.split(":");
    expect(version).toBe("v1");
    const bytes = Buffer.from(sealed as string, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce as string, "base64"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
  },
  seal(key: Buffer, plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
  },
};

function countingDeriver(): { deriveKey: PassphraseKeyDeriver; calls: () => number } {
  let calls = 0;
  return {
    deriveKey: (passphrase, salt) => {
      calls += 1;
      return derivePassphraseKey(passphrase, salt);
    },
    calls: () => calls,
  };
}

describe("passphrase secrets: Pulumi's vectors", () => {
  it.each(PULUMI_STATES)("opens Pulumi's state for passphrase $passphrase", async ({ passphrase, salt }) => {
    const manager = await openPassphraseManager(salt, passphrase);
    expect(manager.type).toBe("passphrase");
    expect(manager.encryptionSalt).toBe(salt);
    expect(manager.state).toEqual({ salt });
  });

  it("decrypts a `secure:` value Pulumi wrote, given the state object form", async () => {
    const manager = await openPassphraseManager({ salt: ROUNDTRIP_CONFIG.salt }, ROUNDTRIP_CONFIG.passphrase);
    await expect(manager.decrypt(ROUNDTRIP_CONFIG.secure)).resolves.toBe(ROUNDTRIP_CONFIG.plaintext);
  });
});

describe("passphrase secrets: what cairn writes", () => {
  it("is readable by an independent implementation of the spec, and reads its output", async () => {
    const passphrase = "correct horse battery staple ✓";
    const manager = await createPassphraseManager(passphrase);
    const [version, saltBase64, ...check] = manager.encryptionSalt.split(":");
    expect(version).toBe("v1");
    expect(Buffer.from(saltBase64 as string, "base64")).toHaveLength(8);
    expect(check).toHaveLength(3);

    const key = reference.key(passphrase, saltBase64 as string);
    expect(reference.open(key, check.join(":"))).toBe("pulumi");

    const value = JSON.stringify({ password: "p@ss:wörd", n: 1 });
    const ciphertext = await manager.encrypt(value);
    expect(ciphertext).toMatch(/^v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(ciphertext.split(":")[1] as string, "base64")).toHaveLength(12);
    expect(reference.open(key, ciphertext)).toBe(value);
    // Two encryptions of one value differ (fresh nonce) and both decrypt.
    expect(await manager.encrypt(value)).not.toBe(ciphertext);

    await expect(manager.decrypt(reference.seal(key, '"from the reference"'))).resolves.toBe('"from the reference"');
  });

  it("derives the key once per manager, however many values it handles", async () => {
    const counter = countingDeriver();
    const created = await createPassphraseManager("once", { deriveKey: counter.deriveKey });
    const ciphertexts = await Promise.all(Array.from({ length: 25 }, (_, index) => created.encrypt(`"value ${index}"`)));
    await Promise.all(ciphertexts.map((ciphertext) => created.decrypt(ciphertext)));
    expect(counter.calls()).toBe(1);

    const opened = await openPassphraseManager(created.state, "once", { deriveKey: counter.deriveKey });
    const plaintexts = await Promise.all(ciphertexts.map((ciphertext) => opened.decrypt(ciphertext)));
    expect(plaintexts[24]).toBe('"value 24"');
    expect(counter.calls()).toBe(2);
  });
});

describe("passphrase secrets: failures", () => {
  const SECRET_PASSPHRASE = "wrong-but-still-secret-7f3a";

  it("a wrong passphrase is PermissionDenied at open, and the error leaks neither passphrase nor plaintext", async () => {
    const counter = countingDeriver();
    const { salt } = PULUMI_STATES[0]!;
    const error: unknown = await openPassphraseManager(salt, SECRET_PASSPHRASE, { deriveKey: counter.deriveKey }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isCairnError(error, "PermissionDenied")).toBe(true);
    expect((error as Error).message).toBe("incorrect passphrase");
    expect((error as { hint?: string }).hint).toMatch(/PULUMI_CONFIG_PASSPHRASE/);
    // Only the one derivation for the check: nothing was decrypted.
    expect(counter.calls()).toBe(1);
    for (const text of errorTexts(error)) {
      expect(text).not.toContain(SECRET_PASSPHRASE);
      expect(text).not.toMatch(/"pulumi"|: pulumi\b/);
    }
  });

  it("malformed state is InvalidArgument, before any key is derived", async () => {
    const counter = countingDeriver();
    // pkg/secrets/passphrase/manager_test.go `brokenState`
    const broken = "fozI5u6B030=:v1:F+6ZduL:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";
    for (const state of [broken, "v1:fozI5u6B030=", "v1:not base64!:v1:F+6ZduKKd8G0/V7L:PGMF", { salt: 3 } as never]) {
      await expect(openPassphraseManager(state, "password", { deriveKey: counter.deriveKey })).rejects.toMatchObject({
        code: "InvalidArgument",
        message: expect.stringContaining("malformed passphrase secrets state"),
      });
    }
    expect(counter.calls()).toBe(0);
  });

  it("a corrupted or foreign ciphertext is a clear InvalidArgument error", async () => {
    const manager = await createPassphraseManager("corruption");
    const ciphertext = await manager.encrypt('"the plaintext"');
    const [version, nonce, sealed] = ciphertext.split(":") as [string, string, string];
    const flipped = Buffer.from(sealed, "base64");
    flipped[0] = (flipped[0] as number) ^ 1;
    for (const bad of [`${version}:${nonce}:${flipped.toString("base64")}`, "v2:AAAA:AAAA", "v1:onlytwo", "v1:AAAA:AAAAAAAAAAAAAAAAAAAAAAAA"]) {
      const error: unknown = await manager.decrypt(bad).catch((caught: unknown) => caught);
      expect(isCairnError(error, "InvalidArgument")).toBe(true);
      for (const text of errorTexts(error)) expect(text).not.toContain("the plaintext");
    }
  });
});

/** Every text an error could show: String(), stack, and the JSON of each link in its cause chain. */
function errorTexts(error: unknown): string[] {
  const texts: string[] = [String(error)];
  for (let link: unknown = error; link !== undefined && link !== null; link = (link as { cause?: unknown }).cause) {
    const record = link as Record<string, unknown>;
    texts.push(String(record["stack"]), JSON.stringify({ ...record, message: record["message"], stack: record["stack"] }));
  }
  return texts;
}
