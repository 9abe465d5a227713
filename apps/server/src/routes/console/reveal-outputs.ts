import { isSecretValue } from "@cairn/core";
import type { Services } from "../../services.js";
import type { StackId } from "../../state/org-state.js";
import { openServiceSecret, serviceSecretsKey } from "../../state/service-secrets.js";
import type { RevealedOutputs } from "../../web/pages/outputs.js";

/** A secret the server holds the key to but that does not open (damaged, or another stack's). */
const UNREADABLE = "[secret: cannot be decrypted]";

/**
 * Decrypts the secrets in a stack's outputs for a member's "Reveal secrets". Only the service
 * secrets provider's values can be: they were encrypted through this server's secrets API with
 * the stack's key (`state/service-secrets.ts`). Another provider (a passphrase, a cloud KMS)
 * keeps its key with the CLI. Nothing decrypted is logged or kept.
 */
export async function revealOutputs(services: Services, id: StackId, outputs: Record<string, unknown>, secretsProvider: string | undefined): Promise<RevealedOutputs> {
  if (secretsProvider !== undefined && secretsProvider !== "service") {
    return {
      unavailable: `This stack's secrets are encrypted by its "${secretsProvider}" secrets provider, whose key the server does not have, so it cannot decrypt them: \`pulumi stack output --show-secrets\` run where the key is can.`,
    };
  }
  const key = await serviceSecretsKey(services.dataKeys, id);
  const open = (value: unknown): unknown => {
    if (isSecretValue(value)) {
      if (typeof value.plaintext === "string") return parsePlaintext(value.plaintext);
      if (typeof value.ciphertext !== "string") return UNREADABLE;
      try {
        return parsePlaintext(openServiceSecret(key, id, value.ciphertext).toString("utf8"));
      } catch {
        return UNREADABLE;
      }
    }
    if (Array.isArray(value)) return value.map(open);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, open(item)]));
    return value;
  };
  return { values: Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, open(value)])) };
}

/** A secret's plaintext is its value's JSON (Pulumi's `SecretV1`). */
function parsePlaintext(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
