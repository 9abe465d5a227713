import { gunzipSync, gzipSync } from "node:zlib";
import { CairnError } from "../errors.js";

/**
 * Stack, history and backup files may be gzip- or zstd-compressed (`PULUMI_DIY_BACKEND_GZIP`,
 * `PULUMI_DIY_BACKEND_ZSTD`). Like Pulumi (`encoding.DetectCompression`), readers go by the
 * content's magic bytes, not the name.
 */
export type Compression = "none" | "gzip" | "zstd";

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export function compressionSuffix(compression: Compression): string {
  return compression === "gzip" ? ".gz" : compression === "zstd" ? ".zst" : "";
}

export function compress(bytes: Uint8Array, compression: Compression): Uint8Array {
  if (compression === "gzip") return gzipSync(bytes);
  if (compression === "zstd") throw zstdUnsupported("write");
  return bytes;
}

export function decompress(bytes: Uint8Array, key: string): Uint8Array {
  if (startsWith(bytes, GZIP_MAGIC)) {
    try {
      return gunzipSync(bytes);
    } catch (error) {
      throw new CairnError("Internal", `${key} is not a valid gzip file: ${(error as Error).message}`, { cause: error });
    }
  }
  if (startsWith(bytes, ZSTD_MAGIC) || key.endsWith(".zst")) throw zstdUnsupported(`read ${key}`);
  return bytes;
}

function zstdUnsupported(what: string): CairnError {
  return new CairnError("Unimplemented", `cannot ${what}: zstd-compressed state is not supported (Node.js 20's zlib has no zstd)`, {
    hint: "rewrite the state with Pulumi using PULUMI_DIY_BACKEND_GZIP=true (or neither switch) instead of PULUMI_DIY_BACKEND_ZSTD",
  });
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** The compression a stack, history or backup file's name says it has. */
export function compressionOfKey(key: string): Compression {
  return key.endsWith(".gz") ? "gzip" : key.endsWith(".zst") ? "zstd" : "none";
}
