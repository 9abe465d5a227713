import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { CairnError } from "@cairn/core";

export interface MasterKey {
  /** A fingerprint recorded beside every wrapped data key, so rotation knows which key wrapped it. */
  id: string;
  key: Buffer;
}

/** The current master key and, during a rotation, the previous ones (still accepted for unwrapping). */
export interface MasterKeyRing {
  current: MasterKey;
  previous: MasterKey[];
}

/** A key is 32 bytes, given as 64 hex digits or base64 (a file may end in a newline). */
export function parseMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) {
    throw new CairnError("InvalidArgument", `the master key from ${source} is not 32 bytes`, {
      hint: "generate one with `openssl rand -hex 32`",
    });
  }
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 16), key };
}

export async function readMasterKeyFile(path: string): Promise<MasterKey> {
  return parseMasterKey(await readFile(path, "utf8"), path);
}
