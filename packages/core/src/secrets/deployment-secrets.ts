import { CairnError, isCairnError } from "../errors.js";
import { canonicalJson } from "../json/canonical-json.js";
import type { SecretsProvider, UntypedDeployment } from "../checkpoint/types.js";
import { decryptAll, encryptAll, type SecretsManager } from "./secrets-manager.js";
import { ciphertextSecret, findSecretValues, plaintextSecret, type FoundSecret } from "./secret-value.js";

/**
 * Secrets across a whole deployment, for `stack export --show-secrets`, `stack import` and
 * `stack change-secrets-provider`. Every function returns a new deployment and leaves its input
 * untouched, so a failure half way never leaves a half-converted object behind.
 */

/** Ciphertext → plaintext form (`{sig, plaintext: "<JSON>"}`), as Pulumi's `--show-secrets` prints. */
export async function decryptDeploymentSecrets(deployment: UntypedDeployment, manager: SecretsManager): Promise<UntypedDeployment> {
  const copy = structuredClone(deployment);
  const body = bodyOf(copy);
  const encrypted = classify(body).filter((secret) => secret.ciphertext !== undefined);
  if (encrypted.length === 0) return copy;
  const provider = body["secrets_providers"] as SecretsProvider | undefined;
  if (provider?.type !== undefined && provider.type !== manager.type) {
    throw new CairnError(
      "InvalidArgument",
      `the deployment's secrets were encrypted by the ${provider.type} secrets provider, not ${manager.type}`,
      { hint: `open the ${provider.type} provider recorded in the deployment's secrets_providers to decrypt them` },
    );
  }
  const plaintexts = await decryptAll(
    manager,
    encrypted.map((secret) => secret.ciphertext as string),
    { describe: (index) => `could not decrypt the secret at ${whereIs(body, encrypted[index]?.path ?? "")}` },
  );
  encrypted.forEach((secret, index) => {
    const plaintext = plaintexts[index] as string;
    requireJson(plaintext, `the secret at ${secret.path} decrypted to something that is not JSON`);
    replace(secret, plaintextSecret(plaintext));
  });
  return copy;
}

/**
 * Checks that every ciphertext in the deployment opens with `manager` to a JSON value, as Pulumi's
 * import does by deserializing the deployment with the stack's secrets provider: a checkpoint whose
 * secrets cannot be decrypted is refused before anything is written (afterwards every
 * `export --show-secrets` and update of the stack would fail). The error names the secret's path
 * and its resource's URN, never a value. Decrypted values are dropped at once.
 */
export async function verifyDeploymentSecrets(deployment: UntypedDeployment, manager: SecretsManager): Promise<void> {
  try {
    await decryptDeploymentSecrets(deployment, manager);
  } catch (error) {
    if (!isCairnError(error) || error.code === "PermissionDenied") throw error;
    throw new CairnError("InvalidArgument", `invalid deployment: ${error.message}`, {
      cause: error,
      hint: "the file's secrets must be the ciphertext the stack's secrets provider wrote; import a `stack export` of this stack (or one taken with --show-secrets)",
    });
  }
}

/**
 * `deployment.resources[3].outputs.password (resource urn:pulumi:…)`: a secret's path in the
 * exported file, with the URN of the resource it belongs to when it is inside one.
 */
function whereIs(body: Record<string, unknown>, path: string): string {
  const index = /^resources\[(\d+)\]/.exec(path)?.[1];
  const resources = body["resources"];
  const urn = index === undefined || !Array.isArray(resources) ? undefined : (resources[Number(index)] as { urn?: unknown } | undefined)?.urn;
  return `deployment.${path}${typeof urn === "string" ? ` (resource ${urn})` : ""}`;
}

/**
 * Plaintext → ciphertext, for `stack import`: every `plaintext` secret is encrypted with `manager`
 * and `secrets_providers` becomes the manager's. Ciphertexts already present are kept only when
 * the deployment's provider is this very provider (same type and state); otherwise they could
 * never be decrypted again, so that is an error.
 */
export async function encryptDeploymentSecrets(deployment: UntypedDeployment, manager: SecretsManager): Promise<UntypedDeployment> {
  const copy = structuredClone(deployment);
  const body = bodyOf(copy);
  const secrets = classify(body);
  const alreadyEncrypted = secrets.some((secret) => secret.ciphertext !== undefined);
  if (alreadyEncrypted && !isSameProvider(body["secrets_providers"], manager)) {
    throw new CairnError(
      "InvalidArgument",
      "the deployment holds ciphertext from a different secrets provider than the stack's",
      { hint: "export it with --show-secrets from its own stack (or re-encrypt it) before importing it here" },
    );
  }
  const plain = secrets.filter((secret) => secret.plaintext !== undefined);
  for (const secret of plain) {
    requireJson(secret.plaintext as string, `the plaintext secret at ${secret.path} is not a JSON-encoded value`);
  }
  const ciphertexts = await encryptAll(manager, plain.map((secret) => secret.plaintext as string));
  plain.forEach((secret, index) => replace(secret, ciphertextSecret(ciphertexts[index] as string)));
  body["secrets_providers"] = { type: manager.type, state: structuredClone(manager.state) };
  return copy;
}

/** Moves every secret to another provider (`stack change-secrets-provider`). */
export async function reencryptDeploymentSecrets(
  deployment: UntypedDeployment,
  from: SecretsManager,
  to: SecretsManager,
): Promise<UntypedDeployment> {
  return encryptDeploymentSecrets(await decryptDeploymentSecrets(deployment, from), to);
}

/** Whether the deployment holds any secret in plaintext form (an import must encrypt first). */
export function hasPlaintextSecrets(deployment: UntypedDeployment): boolean {
  return classify(bodyOf(deployment)).some((secret) => secret.plaintext !== undefined);
}

/** Whether the deployment holds any ciphertext (exporting with --show-secrets needs a provider). */
export function hasEncryptedSecrets(deployment: UntypedDeployment): boolean {
  return classify(bodyOf(deployment)).some((secret) => secret.ciphertext !== undefined);
}

interface ClassifiedSecret extends FoundSecret {
  ciphertext?: string;
  plaintext?: string;
}

/** Finds the secrets and checks Pulumi's rule: exactly one non-empty `ciphertext` or `plaintext` string. */
function classify(body: Record<string, unknown>): ClassifiedSecret[] {
  return findSecretValues(body, ["secrets_providers"]).map((found) => {
    const { ciphertext, plaintext } = found.secret;
    const hasCiphertext = typeof ciphertext === "string" && ciphertext !== "";
    const hasPlaintext = typeof plaintext === "string" && plaintext !== "";
    if (hasCiphertext === hasPlaintext) {
      throw new CairnError(
        "InvalidArgument",
        `malformed secret value at ${found.path}: exactly one of \`ciphertext\` or \`plaintext\` must be supplied`,
        { hint: "fix the deployment file; a secret is {\"4dabf18193072939515e22adb298388d\": …, \"ciphertext\" | \"plaintext\": …}" },
      );
    }
    return hasCiphertext ? { ...found, ciphertext: ciphertext as string } : { ...found, plaintext: plaintext as string };
  });
}

function replace(found: FoundSecret, secret: object): void {
  (found.container as Record<string | number, unknown>)[found.key] = secret;
}

function requireJson(text: string, message: string): void {
  try {
    JSON.parse(text);
  } catch {
    // No cause: JSON.parse's message quotes the text, which is the secret.
    throw new CairnError("InvalidArgument", message, { hint: "the value must be the JSON encoding of the secret, e.g. \"\\\"text\\\"\"" });
  }
}

function bodyOf(deployment: UntypedDeployment): Record<string, unknown> {
  const body: unknown = deployment.deployment;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new CairnError("InvalidArgument", "the deployment has no `deployment` object", {
      hint: "a deployment file is {\"version\": 3, \"deployment\": {…}}, as `stack export` writes it",
    });
  }
  return body as Record<string, unknown>;
}

function isSameProvider(recorded: unknown, manager: SecretsManager): boolean {
  if (typeof recorded !== "object" || recorded === null) return false;
  const { type, state } = recorded as SecretsProvider;
  return type === manager.type && canonicalJson(state) === canonicalJson(manager.state);
}
