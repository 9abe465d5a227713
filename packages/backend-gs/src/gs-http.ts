import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError, CRC32C, type Storage } from "@google-cloud/storage";
import { requestWholeAnswer } from "@cairn/core/driver";

/**
 * The store's requests to the GCS JSON API, over Node's own http/https, to the endpoint the SDK was
 * configured with and with the SDK's own credentials.
 *
 * Why not the SDK's calls (`file.createReadStream()`, `file.save()`, `file.delete()`,
 * `bucket.getFiles()`): the SDK reads every answer through node-fetch 2 (by way of teeny-request),
 * which hands the body on with `response.pipe(new PassThrough())`. When the connection closes
 * before the announced `content-length` has arrived, Node aborts the response, but `.pipe()` passes
 * on neither that abort nor an end: the body the SDK waits on neither ends nor errors, and the call
 * never settles — a download, and just as well an upload's, a delete's or a list's JSON answer.
 * core's `requestWholeAnswer` (Node's http) fails such a body (`AnswerCutShortError`, ECONNRESET),
 * which `classifyGsError` makes a retryable Unavailable. The SDK is kept for credentials and for resumable uploads of large objects.
 *
 * Failures are thrown in the shapes `classifyGsError` reads: a network errno in `code` when the
 * exchange failed (ECONNREFUSED, ENOTFOUND, ECONNRESET for an answer cut short), an `ApiError` with
 * the HTTP status in `code` for an error answer (`apiErrorOf`).
 */
export interface GsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: Uint8Array;
}

export interface GsRequestBody {
  contentType: string;
  bytes: Uint8Array;
}

/** The JSON API's base (`…/storage/v1`) and upload base (`…/upload/storage/v1`) for `storage`. */
export function apiUrls(storage: Storage): { api: string; upload: string } {
  return { api: storage.baseUrl, upload: `${storage.apiEndpoint}/upload/storage/v1` };
}

/** One exchange, the whole answer read; any status is returned (see `apiErrorOf`). `signal` aborts it. */
export async function gsRequest(storage: Storage, method: string, url: URL, body?: GsRequestBody, signal?: AbortSignal): Promise<GsAnswer> {
  const headers: Record<string, string> = {
    // Never a cached copy: a generation must be the live one.
    "cache-control": "no-store",
    // The stored bytes as they are, so the CRC32C GCS reports is the CRC32C of what arrives.
    "accept-encoding": "identity",
    ...(body === undefined ? {} : { "content-type": body.contentType }),
    // As the SDK decides for its own requests: an emulator gets no credentials unless asked to.
    ...(storage.customEndpoint && !storage.useAuthWithCustomEndpoint ? {} : await storage.authClient.getRequestHeaders(url.href)),
  };
  const answer = await requestWholeAnswer(url, { method, headers, ...(body === undefined ? {} : { body: body.bytes }), ...(signal === undefined ? {} : { signal }) });
  return { status: answer.status, headers: answer.headers, bytes: new Uint8Array(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength) };
}

export const isSuccess = (answer: GsAnswer): boolean => answer.status >= 200 && answer.status <= 299;

/** An answer's JSON body. */
export function jsonOf<T>(answer: GsAnswer): T {
  return JSON.parse(Buffer.from(answer.bytes).toString("utf8")) as T;
}

/** An error answer as the SDK's `ApiError`: GCS's JSON error body when there is one, else the text. */
export function apiErrorOf(answer: GsAnswer): ApiError {
  const text = Buffer.from(answer.bytes).toString("utf8");
  let parsed: { error?: { message?: string; errors?: Array<{ reason?: string; message?: string }> } } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const message = parsed?.error?.message ?? (text.trim() || `HTTP ${answer.status}`);
  return new ApiError({ code: answer.status, message, errors: parsed?.error?.errors ?? [], response: undefined as never });
}

/** A `multipart/related` upload body: the object's JSON metadata, then its bytes. */
export function multipartUpload(metadata: Record<string, unknown>, bytes: Uint8Array): GsRequestBody {
  const boundary = `cairn-${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n--${boundary}\r\ncontent-type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { contentType: `multipart/related; boundary=${boundary}`, bytes: Buffer.concat([head, bytes, tail]) };
}

/** The CRC32C of `bytes` in GCS's form (base64 of the big-endian value). */
export function crc32cOf(bytes: Uint8Array): string {
  const crc = new CRC32C();
  crc.update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return crc.toString();
}

/**
 * Checks downloaded bytes against the CRC32C GCS reports (`x-goog-hash: crc32c=…`), as the SDK's
 * read stream does by default: only for an object stored without a content encoding, whose reported
 * checksum is that of the bytes served. A mismatch carries the SDK's code for it.
 */
export function verifyCrc32c(answer: GsAnswer): void {
  if (answer.headers["x-goog-stored-content-encoding"] !== "identity") return;
  const hash = answer.headers["x-goog-hash"];
  const expected = (Array.isArray(hash) ? hash.join(",") : (hash ?? ""))
    .split(",")
    .map((part) => part.trim())
    .find((part) => part.startsWith("crc32c="))
    ?.slice("crc32c=".length);
  if (expected !== undefined && crc32cOf(answer.bytes) !== expected) {
    throw Object.assign(new Error("the bytes downloaded do not match the object's CRC32C: download it again"), { code: "CONTENT_DOWNLOAD_MISMATCH" });
  }
}
