import type { ServerResponse } from "node:http";
import { isCairnError, LockedError } from "@cairn/core";
import { PayloadTooLargeError, UnsupportedEncodingError } from "./request-body.js";
import { statusOf } from "./status.js";

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  response.end(text);
}

export function sendHtml(response: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    ...headers,
  });
  response.end(html);
}

/** The HTTP status an error answers with (a refused oversized body is 413, not a plain 400). */
export function responseStatusOf(error: unknown): number {
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof UnsupportedEncodingError) return 415;
  return statusOf(error);
}

/**
 * Pulumi's error body (`apitype.ErrorResponse`: `code` is the HTTP status, `message` the text),
 * plus cairn's `errorCode`, `hint` and, for a held lock, `lock` naming the holder, so the client
 * can rebuild the same CairnError. Internal errors are not described: their detail is logged.
 */
export function sendError(response: ServerResponse, error: unknown): void {
  const status = responseStatusOf(error);
  if (!isCairnError(error) || status >= 500) {
    sendJson(response, status, { code: status, message: status === 503 ? "service unavailable" : "internal server error", errorCode: isCairnError(error) ? error.code : "Internal" });
    return;
  }
  const body: Record<string, unknown> = { code: status, message: error.message, errorCode: error.code };
  if (error.hint !== undefined) body.hint = error.hint;
  if (error instanceof LockedError) body.lock = error.lock;
  sendJson(response, status, body);
}
