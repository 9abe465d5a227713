import type { IncomingMessage } from "node:http";
import { CairnError } from "@cairn/core";

/**
 * Reads a request body, refusing (413, before buffering it) one larger than `limit` bytes, and
 * parses it as JSON. Every route that takes a body checks its shape afterwards (`json-shape.ts`).
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readBodyText(request, limit);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CairnError("InvalidArgument", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A browser form's body (`application/x-www-form-urlencoded`), with the same size limit. */
export async function readFormBody(request: IncomingMessage, limit: number): Promise<URLSearchParams> {
  const type = String(request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") throw new CairnError("InvalidArgument", "this page takes a form (application/x-www-form-urlencoded)");
  return new URLSearchParams(await readBodyText(request, limit));
}

async function readBodyText(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
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
