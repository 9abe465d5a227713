import { isObject } from "./migrate.js";
import type { PathSegment } from "./validation-error.js";

/**
 * Pulumi marks a secret property value with its signature key (`SecretV1` in
 * `sdk/go/common/apitype/core.go`). Its deserializer refuses a secret object that carries neither a
 * string `ciphertext` nor a string `plaintext`: there is nothing to decrypt, and the stack could no
 * longer be read, by Pulumi or by cairn's secrets code.
 */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * The path (below `value`) of the first secret object without a string `ciphertext` or
 * `plaintext`, or undefined. One walk over the value; the path is assembled only on the way back
 * from a failure, so a valid tree allocates nothing.
 */
export function findMalformedSecret(value: unknown): PathSegment[] | undefined {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findMalformedSecret(value[index]);
      if (found !== undefined) return [index, ...found];
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if (value[SIG_KEY] === SECRET_SIG) {
    // Whatever else a secret holds is opaque text, so there is nothing further down to check.
    return typeof value.ciphertext === "string" || typeof value.plaintext === "string" ? undefined : [];
  }
  for (const key in value) {
    const found = findMalformedSecret(value[key]);
    if (found !== undefined) return [key, ...found];
  }
  return undefined;
}
