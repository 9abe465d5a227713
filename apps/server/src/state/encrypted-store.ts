import type { DeleteOptions, ListOptions, ListPage, PutOptions, StateStore, StoredObject } from "@cairn/core/driver";
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
export class EncryptedStore implements StateStore {
  constructor(
    private readonly inner: StateStore,
    private readonly scope: KeyScope,
  ) {}

  get url(): string {
    return this.inner.url;
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const found = await this.inner.get(key);
    if (found === undefined || !startsWithMagic(found.bytes)) return found;
    const dataKey = await this.scope(key);
    if (dataKey === undefined) return found;
    return { bytes: open(dataKey, found.bytes.subarray(MAGIC.length), key), version: found.version };
  }

  async put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<string> {
    const dataKey = await this.scope(key);
    const stored = dataKey === undefined ? bytes : Buffer.concat([MAGIC, seal(dataKey, bytes, key)]);
    return this.inner.put(key, stored, options);
  }

  delete(key: string, options?: DeleteOptions): Promise<void> {
    return this.inner.delete(key, options);
  }

  list(prefix: string, options?: ListOptions): Promise<ListPage> {
    return this.inner.list(prefix, options);
  }

  classifyError(error: unknown) {
    return this.inner.classifyError(error);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
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
