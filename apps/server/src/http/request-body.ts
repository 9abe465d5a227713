import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CairnError } from "@cairn/core";

/**
 * Reads a request body, refusing (413, before buffering it) one larger than `limit` bytes, and
 * parses it as JSON. Every route that takes a body checks its shape afterwards (`json-shape.ts`).
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  return (await readJsonBodyAndBytes(request, limit)).value;
}

/** The parsed body and the (decoded) bytes it was parsed from, for routes that keep the bytes as sent. */
export async function readJsonBodyAndBytes(request: IncomingMessage, limit: number): Promise<{ value: unknown; bytes: Buffer }> {
  const bytes = await readBodyBytes(request, limit);
  const text = bytes.toString("utf8");
  if (text.trim() === "") return { value: undefined, bytes };
  try {
    return { value: JSON.parse(text) as unknown, bytes };
  } catch (error) {
    throw new CairnError("InvalidArgument", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A browser form's body (`application/x-www-form-urlencoded`), with the same size limit. */
export async function readFormBody(request: IncomingMessage, limit: number): Promise<URLSearchParams> {
  const type = String(request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") throw new CairnError("InvalidArgument", "this page takes a form (application/x-www-form-urlencoded)");
  return new URLSearchParams((await readBodyBytes(request, limit)).toString("utf8"));
}

async function readBodyBytes(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  // The limit applies to the decoded bytes too, so a small gzip bomb cannot exhaust memory.
  try {
    for await (const chunk of decodedBody(request)) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (String((error as { code?: unknown }).code ?? "").startsWith("Z_")) {
      throw new CairnError("InvalidArgument", "the request body is not valid gzip (Content-Encoding: gzip)", { cause: error });
    }
    throw error;
  }
  return Buffer.concat(chunks);
}

/**
 * The Pulumi CLI gzips large request bodies (`Content-Encoding: gzip`, checkpoints and journal
 * entries); any other encoding is refused rather than read as garbage.
 */
function decodedBody(request: IncomingMessage): Readable {
  const encoding = String(request.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return request;
  if (encoding !== "gzip" && encoding !== "x-gzip") {
    throw new UnsupportedEncodingError("InvalidArgument", `the request body's Content-Encoding ${JSON.stringify(encoding)} is not supported (only gzip)`);
  }
  const gunzip = createGunzip();
  request.on("error", (error) => gunzip.destroy(error));
  request.pipe(gunzip);
  return gunzip;
}

/** A body in an encoding the server cannot read: 415. */
export class UnsupportedEncodingError extends CairnError {
  readonly status = 415;
}

/** Thrown as an InvalidArgument with `status` 413 so the response says what really happened. */
export class PayloadTooLargeError extends CairnError {
  readonly status = 413;
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError("InvalidArgument", `the request body is larger than the server's limit of ${limit} bytes`, {
    hint: "the limit is the server's --max-body-bytes",
  });
}
