// Encrypting and decrypting 10,000 secret values with cairn's passphrase provider, as a ratio to
// one raw node:crypto AES-256-GCM pass over the same values with the same key. The provider's key
// derivation (PBKDF2, 1,000,000 rounds) is paid once, and shown on its own line.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createPassphraseManager, derivePassphraseKey } from "../packages/core/dist/index.js";

const COUNT = Number(process.env.BENCH_SECRETS ?? 10_000);
const values = Array.from({ length: COUNT }, (_, i) => JSON.stringify(`secret-value-${i}-${randomBytes(12).toString("hex")}`));
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

let start = process.hrtime.bigint();
const key = await derivePassphraseKey("bench passphrase", randomBytes(8));
const deriveMs = ms(start);

// Baseline: the same cipher, the same ciphertext format work (base64 out, base64 in), no provider.
start = process.hrtime.bigint();
const sealed = values.map((value) => {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
});
const rawEncryptMs = ms(start);
start = process.hrtime.bigint();
for (const text of sealed) {
  const [, nonce, body] = text.split(":");
  const bytes = Buffer.from(body, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}
const rawDecryptMs = ms(start);

const manager = await createPassphraseManager("bench passphrase");
start = process.hrtime.bigint();
const ciphertexts = [];
for (const value of values) ciphertexts.push(await manager.encrypt(value));
const encryptMs = ms(start);
start = process.hrtime.bigint();
for (const text of ciphertexts) await manager.decrypt(text);
const decryptMs = ms(start);

console.log(`passphrase secrets, ${COUNT} values`);
console.log(`  key derivation (once per stack)   ${deriveMs.toFixed(1).padStart(8)} ms`);
console.log(`  raw AES-GCM encrypt (baseline)    ${rawEncryptMs.toFixed(1).padStart(8)} ms`);
console.log(`  cairn encrypt                     ${encryptMs.toFixed(1).padStart(8)} ms   ${(encryptMs / rawEncryptMs).toFixed(2)}x baseline`);
console.log(`  raw AES-GCM decrypt (baseline)    ${rawDecryptMs.toFixed(1).padStart(8)} ms`);
console.log(`  cairn decrypt                     ${decryptMs.toFixed(1).padStart(8)} ms   ${(decryptMs / rawDecryptMs).toFixed(2)}x baseline`);
