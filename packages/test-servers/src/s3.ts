import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { fileURLToPath } from "node:url";
import { stopChild } from "./child-process.js";
import { freePort, waitForPort } from "./ports.js";

/**
 * s3rver (a real S3 HTTP server, file-backed) in a child process, with a conditional-write layer in
 * front of it (unless `conditionalWrites: false`).
 *
 * Why a child process: s3rver signs ListObjectsV2 continuation tokens with DES, which OpenSSL 3
 * only offers under `--openssl-legacy-provider`, a flag that must be given when node starts.
 *
 * Why the layer: s3rver ignores `If-None-Match` and `If-Match` on writes. AWS S3 honours them (see
 * "Conditional requests" in the S3 user guide), and cairn's locking rests on them. The layer answers
 * exactly as AWS documents, and nothing more:
 * - PUT / DELETE / CompleteMultipartUpload with `If-None-Match: *` on an existing key → 412 PreconditionFailed;
 * - with `If-Match: <etag>` on a key whose ETag differs → 412 PreconditionFailed;
 * - with `If-Match` on a missing key → 404 NoSuchKey.
 * Every object write (conditional or not) on one key is serialised, so check-then-write is atomic,
 * as it is on S3; and reads of a key queue behind its writes and are buffered whole, because s3rver
 * writes objects in place and a concurrent GET could otherwise see a half-written (or empty) object,
 * which S3 never serves. One more repair: listings are returned in S3's key order (see `sortedListing`). Real S3 may also answer 409 ConditionalRequestConflict under contention; this
 * layer never does, so that mapping is tested with a unit test in the backend, not here.
 *
 * Credentials: s3rver knows one key pair, `S3RVER` / `S3RVER`. It rejects an unknown access key id
 * (403 InvalidAccessKeyId) but does NOT verify SigV4 signatures, so a wrong secret key is accepted.
 * Requests without any Authorization header are served (as to an anonymous user).
 */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`; use path-style addressing. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Buckets created at start. */
  buckets: readonly string[];
  stop(): Promise<void>;
}

export interface S3TestServerOptions {
  buckets?: readonly string[];
  /**
   * `false`: plain s3rver, WITHOUT the conditional-write layer, so `If-None-Match` / `If-Match`
   * are ignored, like the non-conforming S3-compatible stores cairn's login probe must refuse.
   * Listings are still sorted. Default `true`.
   */
  conditionalWrites?: boolean;
}

const SERVE_FLAG = "--serve-s3rver";
/** The child's argument saying whether to put the conditional-write layer in front. */
const HONEST = "conditional";
const PLAIN = "plain";

export async function startS3Server(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const buckets = options.buckets ?? ["cairn-test"];
  const directory = await mkdtemp(join(tmpdir(), "cairn-s3rver-"));
  const port = await freePort();
  const script = fileURLToPath(import.meta.url);
  const layer = options.conditionalWrites === false ? PLAIN : HONEST;
  const child = spawn(process.execPath, ["--openssl-legacy-provider", script, SERVE_FLAG, directory, String(port), layer, ...buckets], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`s3rver exited (code ${code}) before listening:\n${output}`))),
  );
  try {
    await Promise.race([waitForPort(port), exited]);
  } catch (error) {
    await stopChild(child);
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  exited.catch(() => {});
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    buckets,
    async stop() {
      await stopChild(child);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The child: s3rver plus the conditional layer.

/** The slice of Koa's context the layer uses. */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, unknown>;
  status: number;
  type: string;
  body: unknown;
  get(header: string): string;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface ListOptions {
  prefix?: string;
  startAfter?: string;
  delimiter?: string;
  maxKeys?: number;
}
interface ListResult {
  objects: Array<{ key: string }>;
  commonPrefixes: string[];
  isTruncated: boolean;
}
interface S3rverApp {
  middleware: Middleware[];
  store: {
    getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
    listObjects(bucket: string, options: ListOptions): Promise<ListResult>;
  };
  run(): Promise<unknown>;
  close(): Promise<void>;
}

/** Runs `task` after every earlier task for the same key has finished. */
function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return async function withKey<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => {});
    tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

function s3Error(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

const unquote = (etag: string) => etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");

/** Which requests replace or remove a whole object (the ones S3 evaluates write preconditions on). */
function objectWriteTarget(ctx: KoaContext): { bucket: string; key: string } | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path); // path-style addressing only
  if (match === null) return undefined;
  const subresource = ["partNumber", "tagging", "acl", "uploads"].some((name) => name in ctx.query);
  const isWrite = ctx.method === "PUT" || ctx.method === "DELETE" || (ctx.method === "POST" && "uploadId" in ctx.query);
  if (!isWrite || subresource) return undefined;
  // Koa's ctx.path is still percent-encoded; s3rver's router decodes the same way.
  return { bucket: decodeURIComponent(match[1]!), key: decodeURIComponent(match[2]!) };
}

/** GET/HEAD of a whole object (not a listing or a subresource). */
function objectReadTarget(ctx: KoaContext): string | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  if (match === null || (ctx.method !== "GET" && ctx.method !== "HEAD")) return undefined;
  if (["uploadId", "uploads", "tagging", "acl", "partNumber"].some((name) => name in ctx.query)) return undefined;
  return `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`;
}

function conditionalWrites(app: S3rverApp): Middleware {
  const withKey = createKeyedQueue();
  return async (ctx, next) => {
    const read = objectReadTarget(ctx);
    if (read !== undefined) {
      return withKey(read, async () => {
        await next();
        if (ctx.body instanceof Readable) ctx.body = await buffer(ctx.body);
      });
    }
    const target = objectWriteTarget(ctx);
    if (target === undefined) return next();
    return withKey(`${target.bucket}/${target.key}`, async () => {
      const ifNoneMatch = ctx.get("if-none-match");
      const ifMatch = ctx.get("if-match");
      if (ifNoneMatch !== "" || ifMatch !== "") {
        const current = await app.store.getMetadata(target.bucket, target.key).catch((error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") return undefined;
          throw error;
        });
        const failed = "At least one of the pre-conditions you specified did not hold";
        if (ifNoneMatch.trim() === "*" && current !== undefined) return s3Error(ctx, 412, "PreconditionFailed", failed);
        if (ifMatch !== "") {
          if (current === undefined) return s3Error(ctx, 404, "NoSuchKey", "The specified key does not exist.");
          const wanted = unquote(ifMatch);
          if (wanted !== "*" && wanted !== unquote(current.etag)) return s3Error(ctx, 412, "PreconditionFailed", failed);
        }
      }
      await next();
    });
  };
}

/** S3 lists keys in UTF-8 binary order. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * s3rver walks its directory tree, so it lists `a/b/c` before `a/b.x` (S3 lists `a/b.x` first:
 * "." < "/"), and its continuation tokens (the last key of a page, compared as a string) then skip
 * or repeat keys. This fetches every key under the prefix and pages them in S3's order.
 */
function sortedListing(store: S3rverApp["store"]): S3rverApp["store"]["listObjects"] {
  const walkAll = store.listObjects.bind(store);
  return async (bucket, options) => {
    const { prefix = "", startAfter = "", delimiter = "", maxKeys = Infinity } = options;
    const everything = await walkAll(bucket, { prefix });
    const sorted = everything.objects.filter((object) => byteOrder(object.key, startAfter) > 0).sort((a, b) => byteOrder(a.key, b.key));
    const objects: ListResult["objects"] = [];
    const commonPrefixes: string[] = [];
    let isTruncated = false;
    for (const object of sorted) {
      const cut = delimiter === "" ? -1 : object.key.indexOf(delimiter, prefix.length);
      const common = cut < 0 ? undefined : object.key.slice(0, cut + delimiter.length);
      if (common !== undefined && commonPrefixes.at(-1) === common) continue;
      if (objects.length + commonPrefixes.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      if (common === undefined) objects.push(object);
      else commonPrefixes.push(common);
    }
    return { objects, commonPrefixes, isTruncated };
  };
}

async function serve(directory: string, port: number, withConditionalLayer: boolean, buckets: string[]): Promise<void> {
  const S3rver = createRequire(import.meta.url)("s3rver") as new (options: object) => S3rverApp;
  const app = new S3rver({ directory, port, address: "127.0.0.1", silent: true, configureBuckets: buckets.map((name) => ({ name })) });
  // Right after s3rver's logger, ahead of its XML encoder and routes.
  if (withConditionalLayer) app.middleware.splice(1, 0, conditionalWrites(app));
  app.store.listObjects = sortedListing(app.store);
  await app.run();
  process.on("SIGTERM", () => void app.close().finally(() => process.exit(0)));
}

if (process.argv[2] === SERVE_FLAG && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [directory, port, layer, ...buckets] = process.argv.slice(3);
  serve(directory!, Number(port), layer === HONEST, buckets).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
