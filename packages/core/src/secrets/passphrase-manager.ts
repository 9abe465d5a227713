import type { KeyObject } from "node:crypto";
import { CairnError, isCairnError } from "../errors.js";
import {
  decodeStrictBase64,
  derivePassphraseKey,
  newPassphraseSalt,
  openSealed,
  openV1,
  parseV1Ciphertext,
  sealV1,
  toAesKey,
  type ParsedV1Ciphertext,
  type PassphraseKeyDeriver,
} from "./passphrase-crypto.js";
import type { SecretsManager } from "./secrets-manager.js";

export const PASSPHRASE_PROVIDER_TYPE = "passphrase";

/**
 * Pulumi stores `v1:<base64 salt>:<ciphertext of "pulumi">`: decrypting this known plaintext is
 * how a wrong passphrase is caught before any real secret is touched (`pkg/secrets/passphrase/manager.go`).
 */
const KNOWN_PLAINTEXT = "pulumi";

/** `secrets_providers.state` of a passphrase deployment: Pulumi's `{"salt": "<encryptionsalt>"}`. */
export interface PassphraseSecretsState {
  salt: string;
}

export interface PassphraseSecretsManager extends SecretsManager {
  readonly type: typeof PASSPHRASE_PROVIDER_TYPE;
  readonly state: PassphraseSecretsState;
  /** The `encryptionsalt:` value of `Pulumi.<stack>.yaml` (the same string as `state.salt`). */
  readonly encryptionSalt: string;
}

export interface PassphraseManagerOptions {
  /** Replaces PBKDF2 (tests observe how often keys are derived); defaults to `derivePassphraseKey`. */
  deriveKey?: PassphraseKeyDeriver;
}

/** A new passphrase provider with a fresh 8-byte salt, as `pulumi stack init` makes one. */
export async function createPassphraseManager(
  passphrase: string,
  options: PassphraseManagerOptions = {},
): Promise<PassphraseSecretsManager> {
  const salt = newPassphraseSalt();
  const key = toAesKey(await (options.deriveKey ?? derivePassphraseKey)(passphrase, salt));
  const encryptionSalt = `v1:${Buffer.from(salt).toString("base64")}:${sealV1(key, KNOWN_PLAINTEXT)}`;
  return new PassphraseManager(key, encryptionSalt);
}

/**
 * Opens an existing provider from its `encryptionsalt` string or its `secrets_providers.state`.
 * Derives the key once and checks it against the known plaintext before returning, so a wrong
 * passphrase fails here — before anything is decrypted or written — with PermissionDenied
 * (the passphrase is well-formed but does not grant access; InvalidArgument is kept for
 * malformed state, so the CLI can tell "fix your file" from "fix your passphrase").
 */
export async function openPassphraseManager(
  state: string | PassphraseSecretsState,
  passphrase: string,
  options: PassphraseManagerOptions = {},
): Promise<PassphraseSecretsManager> {
  const encryptionSalt = encryptionSaltOf(state);
  const { salt, check } = parseEncryptionSalt(encryptionSalt);
  const key = toAesKey(await (options.deriveKey ?? derivePassphraseKey)(passphrase, salt));
  if (openSealed(key, check) !== KNOWN_PLAINTEXT) throw incorrectPassphrase();
  return new PassphraseManager(key, encryptionSalt);
}

/** The error for a passphrase that does not open the state. Carries no cause: nothing to leak. */
export function incorrectPassphrase(): CairnError {
  return new CairnError("PermissionDenied", "incorrect passphrase", {
    hint:
      "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the passphrase this stack's secrets " +
      "were encrypted with",
  });
}

class PassphraseManager implements PassphraseSecretsManager {
  readonly type = PASSPHRASE_PROVIDER_TYPE;
  readonly state: PassphraseSecretsState;
  readonly encryptionSalt: string;
  // A private field: JSON.stringify and util.inspect of the manager never show the key.
  readonly #key: KeyObject;

  constructor(key: KeyObject, encryptionSalt: string) {
    this.#key = key;
    this.encryptionSalt = encryptionSalt;
    this.state = { salt: encryptionSalt };
  }

  async encrypt(plaintext: string): Promise<string> {
    return sealV1(this.#key, plaintext);
  }

  async decrypt(ciphertext: string): Promise<string> {
    return openV1(this.#key, ciphertext);
  }
}

function encryptionSaltOf(state: string | PassphraseSecretsState): string {
  if (typeof state === "string") return state;
  const salt: unknown = typeof state === "object" && state !== null ? (state as { salt?: unknown }).salt : undefined;
  if (typeof salt !== "string") throw malformedState('it has no "salt" string');
  return salt;
}

function parseEncryptionSalt(encryptionSalt: string): { salt: Buffer; check: ParsedV1Ciphertext } {
  // Pulumi splits into at most three parts: version, salt, and the (colon-containing) check ciphertext.
  const first = encryptionSalt.indexOf(":");
  const second = first < 0 ? -1 : encryptionSalt.indexOf(":", first + 1);
  if (second < 0) throw malformedState("it does not have the form v1:<salt>:<ciphertext>");
  if (encryptionSalt.slice(0, first) !== "v1") throw malformedState("its version is not v1");
  const salt = decodeStrictBase64(encryptionSalt.slice(first + 1, second));
  if (salt === undefined) throw malformedState("its salt is not valid base64");
  try {
    return { salt, check: parseV1Ciphertext(encryptionSalt.slice(second + 1)) };
  } catch (error) {
    if (isCairnError(error)) throw malformedState(`its check value is malformed (${error.message})`);
    throw error;
  }
}

function malformedState(why: string): CairnError {
  return new CairnError("InvalidArgument", `malformed passphrase secrets state: ${why}`, {
    hint:
      "restore `encryptionsalt` in Pulumi.<stack>.yaml (or `secrets_providers.state.salt` in the deployment) " +
      "from version control",
  });
}
