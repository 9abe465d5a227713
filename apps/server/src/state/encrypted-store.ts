import { forwardingStore, type StateStore } from "@cairn/core/driver";
import { open, seal } from "./aes-gcm.js";

/** Marks an encrypted object, so objects written before encryption was enabled are still read. */
const MAGIC = Buffer.from("CAIRNENC1\n", "utf8");

/** Finds the stack an object belongs to; undefined for objects that are not stack data (meta.yaml, locks). */
export type KeyScope = (key: string) => Promise<Buffer | undefined>;

/**
 * Encryption at rest, as a store wrapper under the self-managed layout: every object that holds a
 * stack's data (checkpoint, history, backups) is sealed with that stack's data key; the object's
 * key is the authenticated data, so a ciphertext moved to another key does not decrypt. Versions
 * and preconditions pass through unchanged, so locking and compare-and-swap still hold.
 */
export function encryptedStore(inner: StateStore, scope: KeyScope): StateStore {
  return forwardingStore(inner, {
    get: async (key, ...rest) => {
      const found = await inner.get(key, ...rest);
      if (found === undefined || !startsWithMagic(found.bytes)) return found;
      const dataKey = await scope(key);
      if (dataKey === undefined) return found;
      return { bytes: open(dataKey, found.bytes.subarray(MAGIC.length), key), version: found.version };
    },
    put: async (key, bytes, ...rest) => {
      const dataKey = await scope(key);
      const stored = dataKey === undefined ? bytes : Buffer.concat([MAGIC, seal(dataKey, bytes, key)]);
      return inner.put(key, stored, ...rest);
    },
  });
}

function startsWithMagic(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && Buffer.from(bytes.buffer, bytes.byteOffset, MAGIC.length).equals(MAGIC);
}

/**
 * The project and stack a layout key belongs to: `.pulumi/stacks/<p>/<s>.json[…]`,
 * `.pulumi/history/<p>/<s>/…`, `.pulumi/backups/<p>/<s>/…`.
 */
export function stackOfLayoutKey(key: string): { project: string; stack: string } | undefined {
  const parts = key.split("/");
  if (parts[0] !== ".pulumi") return undefined;
  const [, area, project, third] = parts;
  if (project === undefined || third === undefined) return undefined;
  if (area === "stacks" && parts.length === 4) {
    const index = third.indexOf(".json");
    return index > 0 ? { project, stack: third.slice(0, index) } : undefined;
  }
  if ((area === "history" || area === "backups") && parts.length >= 5) return { project, stack: third };
  return undefined;
}
