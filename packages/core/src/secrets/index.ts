// The public surface of secrets; the cipher's building blocks (seal/open) stay internal.
export * from "./secrets-manager.js";
export * from "./secret-value.js";
export {
  PASSPHRASE_KDF_ITERATIONS,
  PASSPHRASE_KEY_BYTES,
  PASSPHRASE_SALT_BYTES,
  derivePassphraseKey,
  type PassphraseKeyDeriver,
} from "./passphrase-crypto.js";
export * from "./passphrase-manager.js";
export * from "./passphrase-source.js";
export * from "./no-echo-prompt.js";
export * from "./deployment-secrets.js";
export * from "./stack-config.js";
