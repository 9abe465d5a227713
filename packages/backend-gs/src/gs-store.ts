import { Storage, type File, type StorageOptions } from "@google-cloud/storage";
import {
  withRetry,
  type DeleteOptions,
  type ErrorCode,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type StateStore,
  type StoredObject,
} from "@cairn/core";
import type { GsAuth } from "./gs-credentials.js";
import { classifyGsError, gsError, isMissingBucket } from "./gs-errors.js";
import type { GsLocation } from "./gs-url.js";

/** Above this size an upload is resumable (chunked, restartable); below it, one multipart request. */
const RESUMABLE_THRESHOLD = 16 * 1024 * 1024;
const DEFAULT_PAGE = 1000;

/**
 * Keys are objects under the URL's prefix in one bucket. The version is the object's generation,
 * which GCS changes on every write; preconditions are generation preconditions
 * (`ifGenerationMatch: 0` = create only, `= generation` = compare-and-swap), atomic in GCS.
 */
export class GsStore implements StateStore {
  readonly capabilities = { conditionalWrite: true, listAfterWriteConsistent: true } as const;
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

  async get(key: string): Promise<StoredObject | undefined> {
    const name = this.location.prefix.objectName(key);
    return this.call("read", name, async () => {
      try {
        return await downloadWithGeneration(this.file(name));
      } catch (error) {
        if (classifyGsError(error) === "NotFound" && !isMissingBucket(error)) return undefined;
        throw error;
      }
    });
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    const name = this.location.prefix.objectName(key);
    const ifGenerationMatch = options.ifNoneMatch === "*" ? 0 : options.ifMatch;
    return this.call("write", name, async () => {
      const file = this.file(name);
      await file.save(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
        resumable: this.resumableAllowed && bytes.byteLength > RESUMABLE_THRESHOLD,
        contentType: "application/octet-stream",
        ...(ifGenerationMatch === undefined ? {} : { preconditionOpts: { ifGenerationMatch } }),
      });
      return String(file.metadata.generation);
    });
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const name = this.location.prefix.objectName(key);
    await this.call("delete", name, async () => {
      const file = this.file(name);
      if (options.ifMatch === undefined) {
        try {
          await file.delete();
        } catch (error) {
          // Already gone is success; a missing bucket is not (the SDK's ignoreNotFound hides both).
          if (classifyGsError(error) !== "NotFound" || isMissingBucket(error)) throw error;
        }
        return;
      }
      try {
        await file.delete({ ifGenerationMatch: options.ifMatch });
      } catch (error) {
        // A conditional delete of a missing object is a failed precondition, not "already gone".
        if (classifyGsError(error) === "NotFound" && !isMissingBucket(error)) throw Object.assign(new Error(`${name} does not exist`), { code: 412 });
        throw error;
      }
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const namePrefix = this.location.prefix.objectName(prefix);
    return this.call("list", `${namePrefix}*`, async () => {
      const [files, nextQuery] = await this.storage.bucket(this.location.bucket).getFiles({
        prefix: namePrefix,
        maxResults: options.limit ?? DEFAULT_PAGE,
        autoPaginate: false,
        ...(options.cursor === undefined ? {} : { pageToken: options.cursor }),
      });
      const objects = files.flatMap((file) => {
        const key = this.location.prefix.keyOf(file.name);
        if (key === undefined) return [];
        const { size, generation, updated } = file.metadata;
        return [{
          key,
          ...(size === undefined ? {} : { size: Number(size) }),
          ...(generation === undefined ? {} : { version: String(generation) }),
          ...(updated === undefined ? {} : { modified: new Date(updated) }),
        }];
      });
      const cursor = (nextQuery as { pageToken?: string } | null | undefined)?.pageToken;
      return cursor === undefined ? { objects } : { objects, cursor };
    });
  }

  classifyError(error: unknown): ErrorCode {
    return classifyGsError(error);
  }

  async close(): Promise<void> {}

  private file(name: string): File {
    return this.storage.bucket(this.location.bucket).file(name);
  }

  /** Runs one SDK call as a CairnError-throwing, bounded-retry operation. */
  private call<T>(operation: string, name: string, run: () => Promise<T>): Promise<T> {
    return withRetry(async () => {
      try {
        return await run();
      } catch (error) {
        throw gsError(error, operation, this.location.bucket, name);
      }
    });
  }
}

/**
 * Downloads an object and reads its generation from the same response (`x-goog-generation`), so
 * the bytes and the version always belong together even when another writer races us.
 */
async function downloadWithGeneration(file: File): Promise<StoredObject> {
  let generation: string | undefined;
  const chunks: Buffer[] = [];
  const stream = file.createReadStream();
  stream.on("response", (response: { headers?: Record<string, string | string[] | undefined> }) => {
    const header = response.headers?.["x-goog-generation"];
    generation = Array.isArray(header) ? header[0] : header;
  });
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (generation === undefined) throw new Error(`the response for ${file.name} carried no x-goog-generation header`);
  const bytes = Buffer.concat(chunks);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), version: generation };
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
