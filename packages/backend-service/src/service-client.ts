import { hostname } from "node:os";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { CairnError, isCairnError, requestNeverSent, throwIfCanceled, transportMismatchError, withRetry } from "@cairn/core/driver";
import { ACCEPT_API_VERSION, USER_AGENT } from "./client-identity.js";
import { errorFromResponse } from "./service-errors.js";

const gzipAsync = promisify(gzip);

export interface RequestOptions {
  body?: unknown;
  /** `update-token` for checkpoint calls of a running update; `token` (the user's) otherwise. */
  updateToken?: string;
  /** Names the stack in a Locked error. */
  stackLabel?: string;
  /** 404 resolves undefined instead of throwing. */
  allowNotFound?: boolean;
  /**
   * Sends the body gzipped (`Content-Encoding: gzip`). The Pulumi CLI decides this per call, not
   * by size: it compresses exactly the calls that carry a whole deployment or a batch — import,
   * checkpoint (and its verbatim/delta forms), journal entries, engine events, batch
   * encrypt/decrypt (`GzipCompress: true` in `client.go`) — whatever their size. cairn's callers
   * set it on the same calls.
   */
  gzip?: boolean;
  /**
   * Whether sending the call twice is the same as sending it once. Default: every method but
   * POST (GET reads; cairn-server's PUT/PATCH/DELETE set or remove a whole thing). A POST is
   * marked idempotent only where the server makes it so: `renew_lease` extends the same lease
   * under the same token, `cancel` ends whatever holds the stack, starting an update succeeds once
   * and then answers Conflict, `complete` ends the update once (the callers then look the outcome
   * up). A call that is not idempotent (creating a stack, an update, an import; a rename) is
   * retried only after clean failures — nothing reached the server: connection refused, 429 —
   * and after an ambiguous one it throws, `ambiguous`, saying the outcome is unknown.
   */
  idempotent?: boolean;
  /** For a call that is not idempotent: how the user finds out whether it happened. */
  unknownOutcomeHint?: string;
  /**
   * Aborts the call (the request in flight and the backoff): `Canceled`, ambiguous when a request
   * other than a GET may have reached the server.
   */
  signal?: AbortSignal;
}

/**
 * HTTP to the service in the Pulumi CLI's dialect: JSON in and out, `Accept:
 * application/vnd.pulumi+9`, `Accept-Encoding: gzip` (fetch decodes a gzipped answer), gzipped
 * bodies on the calls Pulumi gzips, the user's token or an update token, Pulumi's error body turned
 * into a CairnError, and retries with jittered backoff on 429, 5xx and connection failures —
 * of a call that is not idempotent, only those after which nothing can have happened (see
 * `RequestOptions.idempotent`).
 */
export class ServiceClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: () => string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const what = `${method} ${path}`;
    throwIfCanceled(options.signal, what);
    const json = options.body === undefined ? undefined : JSON.stringify(options.body);
    // Compressed once, outside the retries: every attempt sends the same bytes.
    const body = json === undefined ? undefined : options.gzip ? new Uint8Array(await gzipAsync(json)) : json;
    const idempotent = options.idempotent ?? method !== "POST";
    try {
      return await this.send<T>(method, path, what, body, options, idempotent);
    } catch (error) {
      if (idempotent || !isCairnError(error) || !error.ambiguous) throw error;
      throw new CairnError(error.code, `${what}: the outcome is unknown — the request may have reached ${this.baseUrl}, but its answer was lost (${error.message})`, {
        cause: error,
        ambiguous: true,
        retryable: false,
        hint: options.unknownOutcomeHint ?? "check whether the change happened before running the command again",
      });
    }
  }

  private send<T>(method: string, path: string, what: string, body: string | Uint8Array | undefined, options: RequestOptions, idempotent: boolean): Promise<T> {
    return withRetry(
      async () => {
        const headers: Record<string, string> = {
          accept: ACCEPT_API_VERSION,
          "accept-encoding": "gzip",
          "user-agent": USER_AGENT,
          "x-cairn-client": `host=${hostname()}; pid=${process.pid}`,
        };
        if (options.updateToken !== undefined) headers.authorization = `update-token ${options.updateToken}`;
        else {
          const token = this.token();
          if (token === undefined) {
            throw new CairnError("Unauthenticated", `no access token for ${this.baseUrl}`, {
              hint: `run \`cairn login ${this.baseUrl}\`, or set PULUMI_ACCESS_TOKEN`,
            });
          }
          headers.authorization = `token ${token}`;
        }
        if (body !== undefined) {
          headers["content-type"] = "application/json";
          if (options.gzip) headers["content-encoding"] = "gzip";
        }
        let response: Response;
        let text: string;
        try {
          response = await this.fetchImpl(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }), ...(options.signal === undefined ? {} : { signal: options.signal }) });
          // A gzipped answer (`Content-Encoding: gzip`) is decoded here; a broken one fails like a dropped connection.
          text = await response.text();
        } catch (error) {
          // https:// to a plain-HTTP server: core's one mapping says which scheme to use.
          const mismatch = transportMismatchError(error, `${what}: ${this.baseUrl}`);
          if (mismatch !== undefined) throw mismatch;
          throw new CairnError("Unavailable", `${what}: cannot reach ${this.baseUrl}: ${(error as Error).message}`, {
            cause: error,
            // A refused connection sent nothing; a reset or a broken answer may follow a request the server handled.
            ambiguous: !requestNeverSent(error),
            hint: "check the server URL and that the server is running",
          });
        }
        const parsed = parseJson(text);
        if (response.ok) return parsed as T;
        if (response.status === 404 && options.allowNotFound) return undefined as T;
        throw errorFromResponse(response.status, parsed, what, options.stackLabel);
      },
      {
        isRetryable: (error) => isCairnError(error) && error.retryable,
        idempotent,
        write: method !== "GET",
        what,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
  }
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 200) };
  }
}
