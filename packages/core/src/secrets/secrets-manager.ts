import { CairnError, isCairnError } from "../errors.js";

/**
 * A secrets provider as Pulumi defines one (`pkg/secrets/manager.go`): a type name, the state a
 * deployment records under `secrets_providers`, and string-to-string encrypt/decrypt. What is
 * passed in is already the value's JSON encoding; a manager never interprets it.
 */
export interface SecretsManager {
  /** The provider's type as written to `secrets_providers.type`, e.g. `passphrase`. */
  readonly type: string;
  /** The provider's state as written to `secrets_providers.state` (JSON-serialisable). */
  readonly state: unknown;
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
  /**
   * Decrypts many values in one round trip where the provider can (a service or KMS); the result
   * is in input order. Optional: `decryptAll` falls back to `decrypt` per value.
   */
  decryptBatch?(ciphertexts: readonly string[]): Promise<string[]>;
}

export interface DecryptAllOptions {
  /**
   * Names the value at `index` in an error (e.g. its path in a deployment), so a corrupted value
   * can be found. Used when values are decrypted one by one; a batch fails as a whole.
   */
  describe?: (index: number) => string;
}

/**
 * Decrypts `ciphertexts`, in order. Identical ciphertexts are decrypted once (state often repeats
 * one secret in inputs and outputs), and a provider's `decryptBatch` is used when it has one.
 */
export async function decryptAll(
  manager: SecretsManager,
  ciphertexts: readonly string[],
  options: DecryptAllOptions = {},
): Promise<string[]> {
  if (ciphertexts.length === 0) return [];
  const unique = [...new Set(ciphertexts)];
  const plaintexts = manager.decryptBatch
    ? await manager.decryptBatch(unique)
    : await Promise.all(
        unique.map((ciphertext) =>
          manager.decrypt(ciphertext).catch((error: unknown) => {
            throw describeFailure(error, options.describe?.(ciphertexts.indexOf(ciphertext)));
          }),
        ),
      );
  if (plaintexts.length !== unique.length) {
    throw new CairnError("Internal", `secrets provider ${manager.type} returned ${plaintexts.length} values for ${unique.length}`);
  }
  const byCiphertext = new Map(unique.map((ciphertext, index) => [ciphertext, plaintexts[index] as string]));
  return ciphertexts.map((ciphertext) => byCiphertext.get(ciphertext) as string);
}

function describeFailure(error: unknown, where: string | undefined): unknown {
  if (where === undefined) return error;
  const code = isCairnError(error) ? error.code : "InvalidArgument";
  const detail = error instanceof Error ? error.message : String(error);
  return new CairnError(code, `${where}: ${detail}`, { cause: error, hint: isCairnError(error) ? error.hint : undefined });
}

/** Encrypts `plaintexts`, in order; every value gets its own ciphertext (fresh nonce), as in Pulumi. */
export async function encryptAll(manager: SecretsManager, plaintexts: readonly string[]): Promise<string[]> {
  return Promise.all(plaintexts.map((plaintext) => manager.encrypt(plaintext)));
}
