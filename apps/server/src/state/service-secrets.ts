import { createHmac } from "node:crypto";
import { CairnError } from "@cairn/core";
import { open, seal } from "./aes-gcm.js";
import type { DataKeys } from "./data-keys.js";
import type { StackId } from "./org-state.js";

/**
 * The key and cipher of the service-managed secrets provider (Pulumi's `service` provider): one
 * key per stack derived from its data key, values bound to the stack by the AAD. The secrets API
 * (`routes/secrets.ts`) and the console's "Reveal secrets" both use it, so a value the CLI
 * encrypted through the API is exactly what the console decrypts.
 */
export async function serviceSecretsKey(dataKeys: DataKeys, id: StackId): Promise<Buffer> {
  return createHmac("sha256", await dataKeys.keyFor(id.org, id.project, id.stack)).update("cairn-service-secrets").digest();
}

function aadOf(id: StackId): string {
  return `secrets:${id.org}/${id.project}/${id.stack}`;
}

export function sealServiceSecret(key: Buffer, id: StackId, plaintext: Uint8Array): Buffer {
  return seal(key, plaintext, aadOf(id));
}

/** Opens a ciphertext as it sits in state or in an API body (base64 of the sealed bytes). */
export function openServiceSecret(key: Buffer, id: StackId, ciphertext: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(ciphertext)) throw new CairnError("InvalidArgument", "ciphertext must be base64");
  try {
    return open(key, Buffer.from(ciphertext, "base64"), aadOf(id));
  } catch (error) {
    throw new CairnError("InvalidArgument", "the ciphertext was not encrypted for this stack, or was modified", { cause: error });
  }
}
