import { hostname } from "node:os";
import { CairnError, isCairnError, withRetry } from "@cairn/core";
import { errorFromResponse } from "./service-errors.js";

/** The API version Pulumi's CLI asks for (`Accept: application/vnd.pulumi+8`). */
const ACCEPT = "application/vnd.pulumi+8";

export interface RequestOptions {
  body?: unknown;
  /** `update-token` for checkpoint calls of a running update; `token` (the user's) otherwise. */
  updateToken?: string;
  /** Names the stack in a Locked error. */
  stackLabel?: string;
  /** 404 resolves undefined instead of throwing. */
  allowNotFound?: boolean;
}

/**
 * HTTP to the service: JSON in and out, the user's token or an update token, Pulumi's error body
 * turned into a CairnError, and retries with jittered backoff on 429, 5xx and connection failures.
 */
export class ServiceClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: () => string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const what = `${method} ${path}`;
    return withRetry(
      async () => {
        const headers: Record<string, string> = { accept: ACCEPT, "x-cairn-client": `host=${hostname()}; pid=${process.pid}` };
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
        let body: string | undefined;
        if (options.body !== undefined) {
          body = JSON.stringify(options.body);
          headers["content-type"] = "application/json";
        }
        let response: Response;
        try {
          response = await this.fetchImpl(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
        } catch (error) {
          throw new CairnError("Unavailable", `${what}: cannot reach ${this.baseUrl}: ${(error as Error).message}`, {
            cause: error,
            hint: "check the server URL and that the server is running",
          });
        }
        const text = await response.text();
        const parsed = parseJson(text);
        if (response.ok) return parsed as T;
        if (response.status === 404 && options.allowNotFound) return undefined as T;
        throw errorFromResponse(response.status, parsed, what, options.stackLabel);
      },
      { isRetryable: (error) => isCairnError(error) && error.retryable },
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
