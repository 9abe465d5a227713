import type { ContainerClient } from "@azure/storage-blob";
import { KeyPrefix, throwIfCanceled, withRetry } from "@cairn/core/driver";
import type { CallOptions, DeleteOptions, ErrorCode, GetOptions, ListedObject, ListOptions, ListPage, PutOptions, StateStore, StoredObject } from "@cairn/core/driver";
import { openContainerClient } from "./azblob-client.js";
import type { AzblobCredential } from "./azblob-credentials.js";
import { answerCutShort, azblobFailure, classifyAzblobError } from "./azblob-errors.js";
import type { AzblobLocation } from "./azblob-url.js";

const DEFAULT_PAGE = 1000;
/** Azure's largest page. */
const MAX_PAGE = 5000;
const RETRY = { attempts: 4, baseDelayMs: 200, maxDelayMs: 3_000 };

/**
 * Keys are block blobs in one container, under the URL's path prefix. A version is the blob's
 * ETag, which Azure changes on every write; preconditions are Azure's own `If-Match` /
 * `If-None-Match: *`, checked atomically by the service.
 */
export class AzblobStore implements StateStore {
  readonly capabilities = { conditionalWrite: true } as const;

  constructor(
    private readonly client: ContainerClient,
    private readonly keys: KeyPrefix,
    readonly url: string,
    /** Service URL for messages (never with a token). */
    private readonly endpoint: string,
    /** Where the credential came from (a variable's name or a credential type), for `whoami -v`. */
    readonly credentialSource: string,
  ) {}

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    return this.run("get", key, options, async (sent) => {
      try {
        // One request: the bytes and the ETag come from the same response, so they always match.
        const response = await this.blob(key).download(0, undefined, sent);
        return { bytes: await readAll(response.readableStreamBody, response.contentLength), version: response.etag! };
      } catch (error) {
        if (isBlobNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    const conditions = options.ifNoneMatch === "*" ? { ifNoneMatch: "*" } : options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {};
    return this.run("put", key, options, async (sent) => {
      const response = await this.blob(key).upload(bytes, bytes.byteLength, { conditions, ...sent });
      return response.etag!;
    });
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const conditions = options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch };
    await this.run("delete", key, options, async (sent) => {
      try {
        await this.blob(key).delete({ conditions, deleteSnapshots: "include", ...sent });
      } catch (error) {
        // Idempotent without ifMatch; with it, a missing blob is Azure's 412 (a Conflict).
        if (!isBlobNotFound(error)) throw error;
      }
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const maxPageSize = Math.min(Math.max(1, options.limit ?? DEFAULT_PAGE), MAX_PAGE);
    return this.run("list", prefix, options, async (sent) => {
      const pages = this.client
        .listBlobsFlat({ prefix: this.keys.objectName(prefix), ...sent })
        .byPage(options.cursor === undefined ? { maxPageSize } : { maxPageSize, continuationToken: options.cursor });
      const next = await pages.next();
      if (next.done === true) return { objects: [] };
      const objects: ListedObject[] = [];
      for (const item of next.value.segment.blobItems) {
        const key = this.keys.keyOf(item.name);
        if (key === undefined) continue;
        // A listing's ETag comes without the quotes a download's and an upload's carry: the version
        // must be the same token `get` returns (see `ListedObject.version`).
        const listed: ListedObject = { key, modified: item.properties.lastModified, version: quotedEtag(item.properties.etag) };
        if (item.properties.contentLength !== undefined) listed.size = item.properties.contentLength;
        objects.push(listed);
      }
      const cursor = next.value.continuationToken;
      return cursor ? { objects, cursor } : { objects };
    });
  }

  classifyError(error: unknown): ErrorCode {
    return classifyAzblobError(error);
  }

  async close(): Promise<void> {}

  private blob(key: string) {
    return this.client.getBlockBlobClient(this.keys.objectName(key));
  }

  /**
   * Runs one service call with cairn's retry, turning SDK errors into CairnErrors with hints. The
   * caller's signal aborts the call in flight (the SDK's `abortSignal`) and the backoff.
   */
  private run<T>(operation: string, key: string, { signal }: CallOptions, action: (sent: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    const what = `${operation} ${key}`;
    throwIfCanceled(signal, what);
    const context = { operation, key, container: this.client.containerName, endpoint: this.endpoint };
    const sent = signal === undefined ? {} : { abortSignal: signal };
    return withRetry(() => action(sent), {
      ...RETRY,
      mapError: (error) => azblobFailure(error, context),
      what,
      write: operation === "put" || operation === "delete",
      ...(signal === undefined ? {} : { signal }),
    });
  }
}

/** Opens the store: the SDK (and, for Azure AD, @azure/identity) is loaded only here. */
export async function openAzblobStore(location: AzblobLocation, credential: AzblobCredential, url: string): Promise<AzblobStore> {
  const { client, endpoint } = await openContainerClient(location, credential);
  return new AzblobStore(client, new KeyPrefix(location.prefixPath), url, endpoint, credential.source);
}

function isBlobNotFound(error: unknown): boolean {
  const native = error as { statusCode?: number; code?: string } | undefined;
  return native?.statusCode === 404 && native.code !== "ContainerNotFound" && native.code !== "ContainerBeingDeleted";
}

/** The whole body; a failure before its end is the transport's (`answerCutShort`). */
async function readAll(stream: NodeJS.ReadableStream | undefined, announced: number | undefined): Promise<Uint8Array> {
  if (stream === undefined) return new Uint8Array(0);
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      received += bytes.byteLength;
    }
  } catch (error) {
    throw answerCutShort(error, received, announced);
  }
  const joined = Buffer.concat(chunks);
  return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
}

/** An ETag in the quoted form the blob service's download and upload answers carry. */
function quotedEtag(etag: string): string {
  return etag.startsWith('"') || etag.startsWith("W/") ? etag : `"${etag}"`;
}
