import { requestNeverSent, withRetry } from "@cairn/core/driver";
import type { GitHttpRequest, GitHttpResponse, HttpClient } from "isomorphic-git";
import { isTransientGitError } from "./git-errors.js";
import { sendOnce, type BufferedResponse } from "./http-transport.js";

/**
 * Tries per request. One store operation is up to three requests (a ref discovery, a pack
 * download or a push; two discoveries when the tip moved), against a blob store's one, so each
 * gets one try more than `withRetry`'s default five: the chance that some request of an
 * operation runs out of tries stays no higher than a blob store's.
 */
const ATTEMPTS = 6;

/** Answers worth another try: throttled, or the server (or a gateway before it) failing. */
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);

/** A transient status, thrown so that `withRetry` sees it; the last one is handed back as the answer. */
class TransientStatus extends Error {
  constructor(readonly response: BufferedResponse) {
    super(`HTTP ${response.statusCode}`);
  }
}

/**
 * The HTTP client the git store gives isomorphic-git: every request through core's `withRetry`
 * (bounded tries, jittered backoff), so a dropped connection, a cut-short answer or a 5xx costs a
 * retry of that one request instead of failing the store operation.
 *
 * - Reads — every GET (`info/refs`, for a fetch and before a push) and the `git-upload-pack` POST —
 *   change nothing on the server, so any transient failure is retried.
 * - The `git-receive-pack` POST is the push itself: it is sent again only when the server surely
 *   did not process it (the connection was never made, or 429: throttled before processing). Any
 *   other failure may have landed; it is handed back, and `pushReached` says so, so that the store
 *   decides by the commit id (`GitStore.commitWithRetry`), never by sending it blindly again.
 *
 * One instance per remote operation: `pushReached` is about the pushes sent through it. Its
 * `signal` aborts every request in flight and every backoff: `Canceled`, ambiguous for a push
 * that may have reached the server.
 */
export class RetryingHttp implements HttpClient {
  constructor(private readonly signal?: AbortSignal) {}

  /** A receive-pack POST went out and failed (or succeeded) in a way that may have reached the server. */
  pushReached = false;

  readonly request = async (request: GitHttpRequest): Promise<GitHttpResponse> => {
    const body = request.body === undefined ? undefined : await collect(request.body);
    const push = (request.method ?? "GET") === "POST" && request.url.endsWith("/git-receive-pack");
    try {
      return await withRetry(
        async () => {
          let response: BufferedResponse;
          try {
            response = await sendOnce(this.signal === undefined ? request : { ...request, signal: this.signal }, body);
          } catch (error) {
            if (push && !requestNeverSent(error)) this.pushReached = true;
            throw error;
          }
          if (push && response.statusCode !== 429) this.pushReached = true;
          if (TRANSIENT_STATUSES.has(response.statusCode) && (!push || response.statusCode === 429)) throw new TransientStatus(response);
          return response;
        },
        {
          attempts: ATTEMPTS,
          isRetryable: (error) => error instanceof TransientStatus || (push ? requestNeverSent(error) : isTransientGitError(error)),
          write: push,
          what: `${request.method ?? "GET"} ${new URL(request.url).pathname}`,
          ...(this.signal === undefined ? {} : { signal: this.signal }),
        },
      );
    } catch (error) {
      // Out of tries on a status: the answer itself, so isomorphic-git reports it as it would (HttpError).
      if (error instanceof TransientStatus) return error.response;
      throw error;
    }
  };
}

async function collect(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
