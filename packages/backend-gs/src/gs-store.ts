import { Storage, type StorageOptions } from "@google-cloud/storage";
import { throwIfCanceled, withRetry } from "@cairn/core/driver";
import type { CallOptions, DeleteOptions, ErrorCode, GetOptions, ListOptions, ListPage, PutOptions, StateStore, StoredObject } from "@cairn/core/driver";
import type { GsAuth } from "./gs-credentials.js";
import { apiErrorOf, apiUrls, crc32cOf, gsRequest, isSuccess, jsonOf, multipartUpload, verifyCrc32c } from "./gs-http.js";
import { classifyGsError, gsError, isMissingBucket } from "./gs-errors.js";
import type { GsLocation } from "./gs-url.js";

/** Above this size an upload is resumable (chunked, restartable); below it, one multipart request. */
const RESUMABLE_THRESHOLD = 16 * 1024 * 1024;
const DEFAULT_PAGE = 1000;

/** The fields of a listed object (the JSON API's object resource) the store reads. */
interface ListedItem {
  name: string;
  size?: string;
  generation?: string;
  updated?: string;
}

/**
 * Keys are objects under the URL's prefix in one bucket. The version is the object's generation,
 * which GCS changes on every write; preconditions are generation preconditions
 * (`ifGenerationMatch: 0` = create only, `= generation` = compare-and-swap), atomic in GCS.
 */
export class GsStore implements StateStore {
  readonly capabilities = { conditionalWrite: true } as const;
  private readonly storage: Storage;
  private readonly resumableAllowed: boolean;

  /** The name of the credential's source (`GsAuth.source`), for `whoami -v`. */
  readonly credentialSource: string;

  constructor(
    readonly url: string,
    private readonly location: GsLocation,
    auth: GsAuth,
  ) {
    this.credentialSource = auth.source;
    this.storage = withoutEmulatorHostVariable(() => new Storage(storageOptions(location, auth)));
    // The anonymous client below signs nothing, which the resumable-upload path cannot use.
    this.resumableAllowed = auth.source !== "anonymous";
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    const name = this.location.prefix.objectName(key);
    return this.call("read", name, options, async (signal) => {
      // One request: the bytes and the generation (`x-goog-generation`) come from the same
      // response, so they always belong together even when another writer races us.
      const answer = await gsRequest(this.storage, "GET", this.objectUrl(name, { alt: "media" }), undefined, signal);
      if (!isSuccess(answer)) {
        const error = apiErrorOf(answer);
        if (classifyGsError(error) === "NotFound" && !isMissingBucket(error)) return undefined;
        throw error;
      }
      const header = answer.headers["x-goog-generation"];
      const generation = Array.isArray(header) ? header[0] : header;
      if (generation === undefined) throw new Error("the answer carried no x-goog-generation header");
      verifyCrc32c(answer);
      return { bytes: answer.bytes, version: generation };
    });
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    const name = this.location.prefix.objectName(key);
    const ifGenerationMatch = options.ifNoneMatch === "*" ? "0" : options.ifMatch;
    const precondition = ifGenerationMatch === undefined ? {} : { ifGenerationMatch };
    return this.call("write", name, options, async (signal) => {
      if (this.resumableAllowed && bytes.byteLength > RESUMABLE_THRESHOLD) return this.putResumable(name, bytes, ifGenerationMatch);
      const url = new URL(`${apiUrls(this.storage).upload}/b/${encodeURIComponent(this.location.bucket)}/o`);
      for (const [param, value] of Object.entries({ uploadType: "multipart", name, ...precondition })) url.searchParams.set(param, value);
      // GCS checks the bytes it received against the CRC32C sent with them, and refuses a mismatch.
      const body = multipartUpload({ name, contentType: "application/octet-stream", crc32c: crc32cOf(bytes) }, bytes);
      const answer = await gsRequest(this.storage, "POST", url, body, signal);
      if (!isSuccess(answer)) throw apiErrorOf(answer);
      return String(jsonOf<{ generation: string | number }>(answer).generation);
    });
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const name = this.location.prefix.objectName(key);
    await this.call("delete", name, options, async (signal) => {
      const answer = await gsRequest(this.storage, "DELETE", this.objectUrl(name, options.ifMatch === undefined ? {} : { ifGenerationMatch: options.ifMatch }), undefined, signal);
      if (isSuccess(answer)) return;
      const error = apiErrorOf(answer);
      if (classifyGsError(error) !== "NotFound" || isMissingBucket(error)) throw error;
      // Already gone is success without a precondition; with one, it is a failed precondition.
      if (options.ifMatch !== undefined) throw Object.assign(new Error(`${name} does not exist`), { code: 412 });
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const namePrefix = this.location.prefix.objectName(prefix);
    return this.call("list", `${namePrefix}*`, options, async (signal) => {
      const url = new URL(`${apiUrls(this.storage).api}/b/${encodeURIComponent(this.location.bucket)}/o`);
      url.searchParams.set("prefix", namePrefix);
      url.searchParams.set("maxResults", String(options.limit ?? DEFAULT_PAGE));
      if (options.cursor !== undefined) url.searchParams.set("pageToken", options.cursor);
      const answer = await gsRequest(this.storage, "GET", url, undefined, signal);
      if (!isSuccess(answer)) throw apiErrorOf(answer);
      const page = jsonOf<{ items?: ListedItem[]; nextPageToken?: string }>(answer);
      const objects = (page.items ?? []).flatMap((item) => {
        const key = this.location.prefix.keyOf(item.name);
        if (key === undefined) return [];
        const { size, generation, updated } = item;
        return [{
          key,
          ...(size === undefined ? {} : { size: Number(size) }),
          ...(generation === undefined ? {} : { version: String(generation) }),
          ...(updated === undefined ? {} : { modified: new Date(updated) }),
        }];
      });
      return page.nextPageToken ? { objects, cursor: page.nextPageToken } : { objects };
    });
  }

  classifyError(error: unknown): ErrorCode {
    return classifyGsError(error);
  }

  async close(): Promise<void> {}

  private objectUrl(name: string, query: Record<string, string>): URL {
    const url = new URL(`${apiUrls(this.storage).api}/b/${encodeURIComponent(this.location.bucket)}/o/${encodeURIComponent(name)}`);
    for (const [param, value] of Object.entries(query)) url.searchParams.set(param, value);
    return url;
  }

  /**
   * Above RESUMABLE_THRESHOLD: the SDK's resumable upload (chunked, restartable). It still reads
   * its answers through node-fetch 2, so an answer cut short there is not noticed (see gs-http.ts),
   * and takes no abort signal: a cancellation is seen before it starts and before a retry.
   */
  private async putResumable(name: string, bytes: Uint8Array, ifGenerationMatch: string | undefined): Promise<string> {
    const file = this.storage.bucket(this.location.bucket).file(name);
    await file.save(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      resumable: true,
      contentType: "application/octet-stream",
      ...(ifGenerationMatch === undefined ? {} : { preconditionOpts: { ifGenerationMatch: Number(ifGenerationMatch) } }),
    });
    return String(file.metadata.generation);
  }

  /** Runs one request as a CairnError-throwing, bounded-retry operation; the caller's signal aborts it and the backoff. */
  private call<T>(operation: string, name: string, { signal }: CallOptions, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const what = `${operation} ${name}`;
    throwIfCanceled(signal, what);
    return withRetry(() => run(signal), {
      mapError: (error) => gsError(error, operation, this.location.bucket, name),
      what,
      write: operation === "write" || operation === "delete",
      ...(signal === undefined ? {} : { signal }),
    });
  }
}

function storageOptions(location: GsLocation, auth: GsAuth): StorageOptions {
  const options: StorageOptions = {
    // cairn retries transient failures itself (withRetry), once, with its own bounds.
    retryOptions: { autoRetry: false },
  };
  if (location.endpoint !== undefined) {
    options.apiEndpoint = location.endpoint;
    // resolveGsAuth sends an emulator nothing unless a key was given explicitly.
    options.useAuthWithCustomEndpoint = auth.source === "env:GOOGLE_CREDENTIALS" || auth.source === "env:GOOGLE_APPLICATION_CREDENTIALS" || auth.source === "env:GOOGLE_OAUTH_ACCESS_TOKEN";
  }
  switch (auth.source) {
    case "anonymous":
      options.authClient = ANONYMOUS_AUTH_CLIENT;
      break;
    case "env:GOOGLE_CREDENTIALS":
      options.credentials = auth.credentials as StorageOptions["credentials"];
      break;
    case "env:GOOGLE_APPLICATION_CREDENTIALS":
      options.keyFilename = auth.keyFilename;
      break;
    case "env:GOOGLE_OAUTH_ACCESS_TOKEN":
      options.authClient = bearerAuthClient(auth.accessToken);
      break;
    case "gcp:application-default":
    case "none (emulator endpoint)":
      break;
  }
  return options;
}

/**
 * Constructs the SDK client with `STORAGE_EMULATOR_HOST` hidden from it. The variable is
 * `host:port` for Google's Go SDK (and so Pulumi); the Node SDK reads it from the process itself
 * and expects a different form (a URL that already ends in the API path), so the same setting
 * would break every request. The endpoint was already taken from the context's environment
 * (`withEmulatorHost`) and is passed explicitly.
 */
function withoutEmulatorHostVariable<T>(make: () => T): T {
  const saved = process.env.STORAGE_EMULATOR_HOST;
  if (saved === undefined) return make();
  delete process.env.STORAGE_EMULATOR_HOST;
  try {
    return make();
  } finally {
    process.env.STORAGE_EMULATOR_HOST = saved;
  }
}

/** An auth client that sends a fixed OAuth access token (it is not refreshed: it is the caller's). */
function bearerAuthClient(accessToken: string): StorageOptions["authClient"] {
  return {
    getRequestHeaders: async () => ({ Authorization: `Bearer ${accessToken}` }),
    getProjectId: async () => undefined,
  } as unknown as StorageOptions["authClient"];
}

/** An auth client that adds no headers: requests go out unauthenticated (public buckets). */
const ANONYMOUS_AUTH_CLIENT = {
  getRequestHeaders: async () => ({}),
  getProjectId: async () => undefined,
} as unknown as StorageOptions["authClient"];
