import { createHash, randomBytes } from "node:crypto";

/** Pulumi access tokens start with `pul-`; clients and scanners recognise the prefix. */
const TOKEN_PREFIX = "pul-";

export function newSecretToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(20).toString("hex")}`;
}

/** Only this digest is ever stored: a leaked store does not leak usable tokens. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
