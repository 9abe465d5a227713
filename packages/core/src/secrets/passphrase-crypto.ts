import { createCipheriv, createDecipheriv, createSecretKey, pbkdf2, randomBytes, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { CairnError } from "../errors.js";

/**
 * Pulumi's passphrase cipher, bit for bit (`sdk/go/common/resource/config/crypt.go`):
 * PBKDF2-HMAC-SHA256 over the passphrase's UTF-8 bytes and a random salt, 1,000,000 iterations,
 * a 32-byte key; AES-256-GCM with a random 12-byte nonce and no additional data; the text form is
 * `v1:<base64 nonce>:<base64 ciphertext followed by the 16-byte tag>` in standard padded base64.
 */
export const PASSPHRASE_KDF_ITERATIONS = 1_000_000;
export const PASSPHRASE_KEY_BYTES = 32;
export const PASSPHRASE_SALT_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = "v1";

/** Turns a passphrase and salt into a key; slow by design, so a manager calls it once. */
export type PassphraseKeyDeriver = (passphrase: string, salt: Uint8Array) => Promise<Uint8Array>;

const pbkdf2Async = promisify(pbkdf2);

/** The real derivation. Asynchronous so the second of PBKDF2 does not block the event loop. */
export const derivePassphraseKey: PassphraseKeyDeriver = (passphrase, salt) =>
  pbkdf2Async(Buffer.from(passphrase, "utf8"), salt, PASSPHRASE_KDF_ITERATIONS, PASSPHRASE_KEY_BYTES, "sha256");

export function newPassphraseSalt(): Uint8Array {
  return randomBytes(PASSPHRASE_SALT_BYTES);
}

/** Wraps derived key bytes; checks the length Pulumi requires (a custom deriver could get it wrong). */
export function toAesKey(bytes: Uint8Array): KeyObject {
  if (bytes.length !== PASSPHRASE_KEY_BYTES) {
    throw new CairnError("Internal", `a passphrase key must be ${PASSPHRASE_KEY_BYTES} bytes, got ${bytes.length}`);
  }
  return createSecretKey(bytes);
}

/** Encrypts `plaintext` (UTF-8) under `key` with a fresh nonce, in Pulumi's `v1:` text form. */
export function sealV1(key: KeyObject, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

export interface ParsedV1Ciphertext {
  nonce: Buffer;
  /** Ciphertext followed by the GCM tag. */
  sealed: Buffer;
}

/** Splits a `v1:` ciphertext the way Pulumi does (exactly three parts); throws InvalidArgument otherwise. */
export function parseV1Ciphertext(text: string): ParsedV1Ciphertext {
  const parts = text.split(":");
  // The messages describe the shape only: a ciphertext is not secret, but it is noise in a message.
  if (parts.length !== 3) throw malformed("it does not have the form v1:<nonce>:<ciphertext>");
  const [version, nonceText, sealedText] = parts as [string, string, string];
  if (version !== VERSION) throw malformed(`its version is not ${VERSION}`);
  const nonce = decodeStrictBase64(nonceText);
  const sealed = decodeStrictBase64(sealedText);
  if (nonce === undefined || sealed === undefined) throw malformed("it is not valid base64");
  if (nonce.length !== NONCE_BYTES) throw malformed(`its nonce is not ${NONCE_BYTES} bytes`);
  if (sealed.length < TAG_BYTES) throw malformed("it is shorter than the authentication tag");
  return { nonce, sealed };
}

/**
 * Decrypts and authenticates; `undefined` when the tag does not verify (wrong key or corrupted
 * bytes — GCM cannot tell which). Never throws for that case, so callers choose the error.
 */
export function openSealed(key: KeyObject, { nonce, sealed }: ParsedV1Ciphertext): string | undefined {
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

/** `parseV1Ciphertext` + `openSealed`, with an InvalidArgument error when the value does not authenticate. */
export function openV1(key: KeyObject, text: string): string {
  const plaintext = openSealed(key, parseV1Ciphertext(text));
  if (plaintext === undefined) {
    throw new CairnError("InvalidArgument", "a secret could not be decrypted: it is corrupted or was encrypted with a different key", {
      hint: "check that the state was not edited by hand and that the stack's secrets provider is the one that encrypted it",
    });
  }
  return plaintext;
}

// Go's base64.StdEncoding is strict (padding required, no foreign characters); Buffer.from is not.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeStrictBase64(text: string): Buffer | undefined {
  return STRICT_BASE64.test(text) ? Buffer.from(text, "base64") : undefined;
}

function malformed(why: string): CairnError {
  return new CairnError("InvalidArgument", `malformed passphrase ciphertext: ${why}`, {
    hint: "the value was not produced by the passphrase secrets provider, or it was truncated",
  });
}
