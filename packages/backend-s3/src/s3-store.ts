import { randomBytes } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { CairnError, throwIfCanceled, withRetry } from "@cairn/core/driver";
import type { CallOptions, DeleteOptions, ErrorCode, GetOptions, KeyPrefix, ListedObject, ListOptions, ListPage, PutOptions, StateStore, StoredObject } from "@cairn/core/driver";
import { resolveCredentials, type S3Credentials } from "./s3-credentials.js";
import { classifyS3Error, s3ErrorName, s3Failure } from "./s3-errors.js";
import type { S3UrlOptions } from "./s3-url.js";
import { composeVersion, etagOf, WRITE_ID_METADATA } from "./s3-version.js";

/** S3 returns at most 1000 keys per ListObjectsV2 page. */
const MAX_PAGE = 1000;

export interface S3StoreOptions extends S3UrlOptions {
  /** The URL the store was opened with (shown to users; holds no secret). */
  url: string;
  /** Overrides the credential chain (tests, embedders holding their own keys). */
  credentials?: S3Credentials;
  /** What `whoami -v` names as the source of `credentials` (never the secret); only used with them. */
  credentialSource?: string;
  /** Environment to read `AWS_*` variables from; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Keys are objects under the URL's prefix in one bucket. Preconditions are S3's conditional
 * requests (`If-None-Match: *`, `If-Match: <ETag>` on PutObject and DeleteObject), evaluated
 * atomically by S3. A version is the ETag plus a per-write id kept in the object's metadata
 * (see s3-version.ts for why both).
 */
export class S3Store implements StateStore {
  readonly url: string;
  readonly capabilities = { conditionalWrite: true } as const;
  readonly bucket: string;
  readonly credentialSource: string;
  private readonly prefix: KeyPrefix;
  private readonly client: S3Client;

  constructor(options: S3StoreOptions) {
    this.url = options.url;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    const { config, credentialSource } = clientConfig(options);
    this.credentialSource = credentialSource;
    this.client = new S3Client(config);
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    return this.call("get", key, options, async (Key, sent) => {
      try {
        const found = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }), sent);
        const bytes = (await found.Body?.transformToByteArray()) ?? new Uint8Array(0);
        return { bytes, version: composeVersion(found.ETag, found.Metadata) };
      } catch (error) {
        if (s3ErrorName(error) === "NoSuchKey") return undefined;
        throw error;
      }
    });
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    const writeId = randomBytes(8).toString("hex");
    return this.call("put", key, options, async (Key, sent) => {
      try {
        const written = await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key,
            Body: bytes,
            ContentLength: bytes.length,
            Metadata: { [WRITE_ID_METADATA]: writeId },
            ...(options.ifNoneMatch === "*" ? { IfNoneMatch: "*" } : {}),
            ...(options.ifMatch === undefined ? {} : { IfMatch: etagOf(options.ifMatch) }),
          }),
          sent,
        );
        const etag = written.ETag ?? (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }), sent)).ETag;
        return composeVersion(etag, { [WRITE_ID_METADATA]: writeId });
      } catch (error) {
        throw this.preconditionConflict(error, key, options.ifMatch !== undefined) ?? error;
      }
    });
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    await this.call("delete", key, options, async (Key, sent) => {
      try {
        // S3 answers 204 for a missing key, so an unconditional delete is idempotent by itself.
        await this.client.send(
          new DeleteObjectCommand({ Bucket: this.bucket, Key, ...(options.ifMatch === undefined ? {} : { IfMatch: etagOf(options.ifMatch) }) }),
          sent,
        );
      } catch (error) {
        throw this.preconditionConflict(error, key, options.ifMatch !== undefined) ?? error;
      }
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    return this.call("list", prefix, options, async (Prefix, sent) => {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix,
          MaxKeys: Math.min(options.limit ?? MAX_PAGE, MAX_PAGE),
          ...(options.cursor === undefined ? {} : { ContinuationToken: options.cursor }),
        }),
        sent,
      );
      const objects: ListedObject[] = [];
      for (const entry of page.Contents ?? []) {
        const key = entry.Key === undefined ? undefined : this.prefix.keyOf(entry.Key);
        if (key === undefined) continue;
        // No version: a listing carries the ETag but not the write id a `get` reports.
        objects.push({ key, ...(entry.Size === undefined ? {} : { size: entry.Size }), ...(entry.LastModified ? { modified: entry.LastModified } : {}) });
      }
      return page.IsTruncated && page.NextContinuationToken ? { objects, cursor: page.NextContinuationToken } : { objects };
    });
  }

  classifyError(error: unknown): ErrorCode {
    return classifyS3Error(error);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /**
   * Runs one S3 request for `key`, retrying transient failures, and turns failures into CairnErrors.
   * The caller's signal aborts the request in flight (`send`'s `abortSignal`) and the backoff.
   */
  private call<T>(operation: string, key: string, { signal }: CallOptions, request: (objectName: string, sent: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    const what = `${operation} ${key}`;
    throwIfCanceled(signal, what);
    const objectName = this.prefix.objectName(key);
    const sent = signal === undefined ? {} : { abortSignal: signal };
    return withRetry(() => request(objectName, sent), {
      mapError: (error) => s3Failure(error, operation, this.bucket, objectName),
      what,
      write: operation === "put" || operation === "delete",
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /**
   * 412 (and 409 ConditionalRequestConflict, S3's answer to a concurrent conditional write) means
   * the precondition failed. With `If-Match`, S3 answers 404 NoSuchKey for a missing object: that
   * is also a failed precondition (a missing key never matches a version).
   */
  private preconditionConflict(error: unknown, key: string, ifMatch: boolean): CairnError | undefined {
    const name = s3ErrorName(error);
    const conflict = name === "PreconditionFailed" || name === "ConditionalRequestConflict" || (ifMatch && name === "NoSuchKey");
    if (!conflict) return undefined;
    const why = name === "NoSuchKey" ? "does not exist" : "changed (or already exists)";
    return new CairnError("Conflict", `${key} ${why}: the write precondition did not hold`, { cause: error });
  }
}

const EMBEDDER_CREDENTIALS = "S3StoreOptions.credentials (given by the embedder)";

function clientConfig(options: S3StoreOptions): { config: S3ClientConfig; credentialSource: string } {
  const env = options.env ?? process.env;
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (options.endpoint === undefined ? undefined : "us-east-1");
  const config: S3ClientConfig = {
    forcePathStyle: options.forcePathStyle,
    useDualstackEndpoint: options.dualstack,
    useFipsEndpoint: options.fips,
    requestChecksumCalculation: options.requestChecksumCalculation,
    responseChecksumValidation: options.requestChecksumCalculation,
    // cairn retries with its own bounded, jittered backoff (withRetry); two retry loops would multiply.
    maxAttempts: 1,
  };
  if (region !== undefined) config.region = region;
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.anonymous) {
    // Unsigned requests: the signer leaves them as they are, and no credential is ever looked up.
    config.signer = { sign: async (request) => request };
    config.credentials = { accessKeyId: "", secretAccessKey: "" };
    return { config, credentialSource: "anonymous" };
  }
  if (options.credentials !== undefined) {
    config.credentials = options.credentials;
    return { config, credentialSource: options.credentialSource ?? EMBEDDER_CREDENTIALS };
  }
  const resolved = resolveCredentials(env, { ...(options.profile ? { profile: options.profile } : {}), ...(options.role ? { role: options.role } : {}), ...(region ? { region } : {}) });
  config.credentials = resolved.credentials;
  return { config, credentialSource: resolved.source };
}
