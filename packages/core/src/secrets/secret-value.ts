/**
 * How a secret sits in state (`sdk/go/common/resource/sig/sig.go`, `apitype.SecretV1`): an object
 * whose signature key holds the secret signature, plus exactly one of `ciphertext` (what the
 * provider produced) or `plaintext` (the value's JSON encoding, as `export --show-secrets` writes).
 */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export type SecretValue =
  | { [SIGNATURE_KEY]: typeof SECRET_SIGNATURE; ciphertext: string }
  | { [SIGNATURE_KEY]: typeof SECRET_SIGNATURE; plaintext: string };

export function isSecretValue(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && value[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

export function ciphertextSecret(ciphertext: string): SecretValue {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, ciphertext };
}

export function plaintextSecret(plaintext: string): SecretValue {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, plaintext };
}

/** A secret found in a JSON tree, with where it is (for messages) and how to replace it. */
export interface FoundSecret {
  /** e.g. `resources[3].outputs.uniqueId` — property names only, never values. */
  path: string;
  secret: Record<string, unknown>;
  container: Record<string, unknown> | unknown[];
  key: string | number;
}

/**
 * Every secret object in `root`, depth first. Secrets are not searched inside: what a secret
 * holds is sealed as one unit. `skipKeys` names top-level keys to leave out (`secrets_providers`).
 */
export function findSecretValues(root: unknown, skipKeys: readonly string[] = []): FoundSecret[] {
  const found: FoundSecret[] = [];
  const visit = (value: unknown, path: string, container: FoundSecret["container"], key: string | number): void => {
    if (isSecretValue(value)) {
      found.push({ path, secret: value, container, key });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`, value, index));
    } else if (isRecord(value)) {
      for (const [name, item] of Object.entries(value)) visit(item, joinPath(path, name), value, name);
    }
  };
  if (Array.isArray(root)) {
    root.forEach((item, index) => visit(item, `[${index}]`, root, index));
  } else if (isRecord(root)) {
    for (const [name, item] of Object.entries(root)) {
      if (!skipKeys.includes(name)) visit(item, joinPath("", name), root, name);
    }
  }
  return found;
}

function joinPath(path: string, name: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(name)) return path === "" ? name : `${path}.${name}`;
  return `${path}[${JSON.stringify(name)}]`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
