import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { CairnError } from "@cairn/core";

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM: `iv | tag | ciphertext`, authenticated together with `aad` (what the bytes are for). */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function open(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw corrupt(aad);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch (error) {
    throw corrupt(aad, error);
  }
}

function corrupt(aad: string, cause?: unknown): CairnError {
  return new CairnError("Internal", `encrypted object ${aad} cannot be decrypted (wrong key, or modified)`, { cause });
}
