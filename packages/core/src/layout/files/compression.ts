import { CairnError } from "../../errors.js";

/**
 * Stack, history and backup files may be gzip- or zstd-compressed (`PULUMI_DIY_BACKEND_GZIP`,
 * `PULUMI_DIY_BACKEND_ZSTD`). Like Pulumi (`encoding.DetectCompression`), readers go by the
 * content's magic bytes, not the name.
 */
export type Compression = "none" | "gzip" | "zstd";

const GZIP_MAGIC = [0x1f, 0x8b];

/** node:zlib on first use, not at start-up: it costs a few ms to load, and most commands never gzip. */
const zlib = (): Promise<typeof import("node:zlib")> => import("node:zlib");
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export function compressionSuffix(compression: Compression): string {
  return compression === "gzip" ? ".gz" : compression === "zstd" ? ".zst" : "";
}

/** Compresses `bytes` for a file whose name ends in `compressionSuffix(compression)`. */
export async function compress(bytes: Uint8Array, compression: Compression): Promise<Uint8Array> {
  if (compression === "gzip") return (await zlib()).gzipSync(bytes);
  if (compression === "zstd") return (await zstdCodec()).compress(bytes, ZSTD_LEVEL);
  return bytes;
}

/** The content of a stack, history or backup file, whatever compression its bytes begin with. */
export async function decompress(bytes: Uint8Array, key: string): Promise<Uint8Array> {
  if (startsWith(bytes, GZIP_MAGIC)) {
    try {
      return (await zlib()).gunzipSync(bytes);
    } catch (error) {
      throw new CairnError("Internal", `${key} is not a valid gzip file: ${(error as Error).message}`, { cause: error });
    }
  }
  if (startsWith(bytes, ZSTD_MAGIC)) {
    try {
      return (await zstdCodec()).decompress(bytes);
    } catch (error) {
      throw new CairnError("Internal", `${key} is not a valid zstd file: ${(error as Error).message}`, { cause: error });
    }
  }
  return bytes;
}

/** Pulumi's writer uses zstd's default level. */
const ZSTD_LEVEL = 3;

interface ZstdCodec {
  compress(bytes: Uint8Array, level: number): Uint8Array;
  decompress(bytes: Uint8Array): Uint8Array;
}

let zstd: Promise<ZstdCodec> | undefined;

/**
 * Node.js 20's zlib has no zstd, so a WebAssembly build of the reference library is loaded — only
 * when a zstd file is met or written, keeping it off every other command's start-up.
 */
function zstdCodec(): Promise<ZstdCodec> {
  zstd ??= import("@bokuweb/zstd-wasm").then(async (module) => {
    await module.init();
    return { compress: (bytes, level) => module.compress(bytes, level), decompress: (bytes) => module.decompress(bytes) };
  });
  return zstd;
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** The compression a stack, history or backup file's name says it has. */
export function compressionOfKey(key: string): Compression {
  return key.endsWith(".gz") ? "gzip" : key.endsWith(".zst") ? "zstd" : "none";
}
