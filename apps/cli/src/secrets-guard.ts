import { CairnError, type UntypedDeployment } from "@cairn/core";

/** Pulumi's signature key and value marking a secret inside inputs/outputs. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Until a secrets provider can decrypt them, `--show-secrets` must not pretend: if the deployment
 * holds any ciphertext, refuse rather than print it as if it were shown.
 */
export function refuseShowSecretsWithCiphertext(deployment: UntypedDeployment): void {
  if (containsCiphertext(deployment.deployment)) {
    throw new CairnError("Unimplemented", "this stack holds encrypted secrets and cairn cannot decrypt them yet", {
      hint: "export without --show-secrets to get the ciphertext",
    });
  }
}

function containsCiphertext(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsCiphertext);
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG_VALUE && "ciphertext" in record) return true;
  return Object.values(record).some(containsCiphertext);
}
