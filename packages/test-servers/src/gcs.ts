import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An in-memory Google Cloud Storage JSON-API server, for tests only: no GCS emulator runs offline
 * here. It covers what `@google-cloud/storage` calls for state files — buckets (get, create),
 * media / multipart / resumable upload, get (metadata and `alt=media`), paged list with prefix and
 * delimiter, delete, copy and rewrite — with generation and metageneration preconditions answered
 * with GCS's status codes and error body (`{ error: { code, message, errors: [{ reason }] } }`).
 * Every precondition check and the write it guards run with no `await` between them, so on Node's
 * single thread they are atomic: of N racing conditional creates exactly one wins.
 */

export interface GcsServerOptions {
  /** Buckets that exist from the start. */
  buckets?: readonly string[];
  /**
   * When set, every request must carry `Authorization: Bearer <one of these>`; otherwise 401, as
   * GCS answers an anonymous or unknown caller.
   */
  accessTokens?: readonly string[];
}

export interface RunningGcsServer {
  /** `http://127.0.0.1:<port>`: the SDK's `apiEndpoint`. */
  endpoint: string;
  close(): Promise<void>;
}

interface StoredGcsObject {
  name: string;
  data: Buffer;
  generation: bigint;
  metageneration: number;
  contentType: string;
  metadata: Record<string, string> | undefined;
  md5: string;
  crc32c: string;
  created: string;
  updated: string;
}

interface ObjectMeta {
  contentType?: string;
  metadata?: Record<string, string>;
}

interface UploadSession {
  bucket: string;
  name: string;
  meta: ObjectMeta;
  preconditions: URLSearchParams;
  chunks: Buffer[];
}

/** A GCS error answer: HTTP status, message and the `reason` GCS puts in `errors[0]`. */
type GcsFailure = [status: number, message: string, reason: string];

class GcsHttpError extends Error {
  constructor(readonly failure: GcsFailure) {
    super(failure[1]);
  }
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C (Castagnoli), base64 of the big-endian value: what GCS reports and the SDK validates. */
export function crc32cBase64(data: Uint8Array): string {
  let c = 0xffffffff;
  for (const byte of data) c = CRC32C_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString("base64");
}

const PRECONDITION_FAILED: GcsFailure = [412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet"];
const NOT_MODIFIED: GcsFailure = [304, "Not Modified", "notModified"];
const BUCKET_MISSING: GcsFailure = [404, "The specified bucket does not exist.", "notFound"];
const objectMissing = (bucket: string, name: string): GcsFailure => [404, `No such object: ${bucket}/${name}`, "notFound"];

/**
 * Checks `ifGenerationMatch` (0 = must not exist), `ifGenerationNotMatch`, `ifMetagenerationMatch`
 * and `ifMetagenerationNotMatch` (optionally with a `Source` infix for copies) against an object.
 * `notModified` is what a failed *NotMatch condition means for the request: 304 on reads, 412 on
 * writes (GCS documents both).
 */
function preconditionFailure(query: URLSearchParams, current: StoredGcsObject | undefined, isRead: boolean, infix = ""): GcsFailure | undefined {
  const generation = current === undefined ? "0" : String(current.generation);
  const metageneration = current === undefined ? undefined : String(current.metageneration);
  const match = query.get(`if${infix}GenerationMatch`);
  const notMatch = query.get(`if${infix}GenerationNotMatch`);
  const metaMatch = query.get(`if${infix}MetagenerationMatch`);
  const metaNotMatch = query.get(`if${infix}MetagenerationNotMatch`);
  if (match !== null && match !== generation) return PRECONDITION_FAILED;
  if (metaMatch !== null && metaMatch !== metageneration) return PRECONDITION_FAILED;
  if (notMatch !== null && notMatch === generation) return isRead ? NOT_MODIFIED : PRECONDITION_FAILED;
  if (metaNotMatch !== null && metaNotMatch === metageneration) return isRead ? NOT_MODIFIED : PRECONDITION_FAILED;
  return undefined;
}

/** The list page token: the last entry returned (an object name or a delimiter prefix). */
interface PageToken {
  after: string;
  afterIsPrefix: boolean;
}
const encodeToken = (token: PageToken) => Buffer.from(JSON.stringify(token)).toString("base64url");
function decodeToken(text: string | null): PageToken | undefined {
  if (text === null || text === "") return undefined;
  try {
    const token = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as PageToken;
    if (typeof token.after === "string") return token;
  } catch {
    // fall through
  }
  throw new GcsHttpError([400, "Invalid pageToken.", "invalid"]);
}

class GcsState {
  readonly buckets = new Map<string, Map<string, StoredGcsObject>>();
  private readonly sessions = new Map<string, UploadSession>();
  // Generations only grow, and are unique across the server (GCS's are microsecond timestamps).
  private lastGeneration = BigInt(Date.now()) * 1000n;

  bucket(name: string): Map<string, StoredGcsObject> {
    const found = this.buckets.get(name);
    if (found === undefined) throw new GcsHttpError(BUCKET_MISSING);
    return found;
  }

  /** Checks preconditions and writes, synchronously: nothing can interleave. */
  write(bucketName: string, name: string, data: Buffer, meta: ObjectMeta, preconditions: URLSearchParams): StoredGcsObject {
    const bucket = this.bucket(bucketName);
    if (name === "") throw new GcsHttpError([400, "Required parameter: name", "required"]);
    const failure = preconditionFailure(preconditions, bucket.get(name), false);
    if (failure !== undefined) throw new GcsHttpError(failure);
    const now = new Date().toISOString();
    const stored: StoredGcsObject = {
      name,
      data,
      generation: ++this.lastGeneration,
      metageneration: 1,
      contentType: meta.contentType ?? "application/octet-stream",
      metadata: meta.metadata,
      md5: createHash("md5").update(data).digest("base64"),
      crc32c: crc32cBase64(data),
      created: now,
      updated: now,
    };
    bucket.set(name, stored);
    return stored;
  }

  /** Opens a resumable session; its preconditions are checked now and again when it finalises. */
  openSession(session: UploadSession): string {
    const failure = preconditionFailure(session.preconditions, this.bucket(session.bucket).get(session.name), false);
    if (failure !== undefined) throw new GcsHttpError(failure);
    const id = randomUUID();
    this.sessions.set(id, session);
    return id;
  }

  session(id: string | null): UploadSession {
    const found = id === null ? undefined : this.sessions.get(id);
    if (found === undefined) throw new GcsHttpError([404, "No such upload session.", "notFound"]);
    return found;
  }

  closeSession(id: string): void {
    this.sessions.delete(id);
  }
}

function objectResource(bucket: string, o: StoredGcsObject): Record<string, unknown> {
  return {
    kind: "storage#object",
    id: `${bucket}/${o.name}/${o.generation}`,
    selfLink: `/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(o.name)}`,
    name: o.name,
    bucket,
    generation: String(o.generation),
    metageneration: String(o.metageneration),
    contentType: o.contentType,
    size: String(o.data.length),
    md5Hash: o.md5,
    crc32c: o.crc32c,
    etag: Buffer.from(`${o.generation}/${o.metageneration}`).toString("base64"),
    timeCreated: o.created,
    updated: o.updated,
    storageClass: "STANDARD",
    ...(o.metadata === undefined ? {} : { metadata: o.metadata }),
  };
}

const bucketResource = (name: string) => ({ kind: "storage#bucket", id: name, name, location: "US", storageClass: "STANDARD" });

function sendJson(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendFailure(res: ServerResponse, [status, message, reason]: GcsFailure): void {
  // 304 has no body by HTTP's rules.
  if (status === 304) {
    res.writeHead(304);
    res.end();
    return;
  }
  sendJson(res, status, { error: { code: status, message, errors: [{ message, domain: "global", reason }] } });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(buffer: Buffer): Record<string, unknown> {
  if (buffer.length === 0) return {};
  try {
    return JSON.parse(buffer.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new GcsHttpError([400, "Parse Error", "parseError"]);
  }
}

/** `multipart/related`: a JSON metadata part, then the media part (bytes kept exact). */
function parseMultipart(body: Buffer, contentType: string | undefined): { meta: Record<string, unknown>; data: Buffer; contentType?: string } {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? "")?.[1];
  if (boundary === undefined) throw new GcsHttpError([400, "Missing multipart boundary", "invalid"]);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ head: string; body: Buffer }> = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length, next);
    const split = part.indexOf("\r\n\r\n");
    // Each part is `\r\n<headers>\r\n\r\n<body>\r\n`.
    if (split >= 0) parts.push({ head: part.subarray(0, split).toString("latin1"), body: part.subarray(split + 4, part.length - 2) });
    start = next;
  }
  if (parts.length !== 2) throw new GcsHttpError([400, "Expected a metadata part and a media part", "invalid"]);
  const mediaType = /content-type:\s*([^\r\n]+)/i.exec(parts[1]!.head)?.[1];
  return { meta: parseJson(parts[0]!.body), data: Buffer.from(parts[1]!.body), ...(mediaType === undefined ? {} : { contentType: mediaType }) };
}

function metaFrom(json: Record<string, unknown>, fallbackContentType: string | undefined): ObjectMeta {
  const contentType = typeof json.contentType === "string" ? json.contentType : fallbackContentType;
  const metadata = typeof json.metadata === "object" && json.metadata !== null ? (json.metadata as Record<string, string>) : undefined;
  return { ...(contentType === undefined ? {} : { contentType }), ...(metadata === undefined ? {} : { metadata }) };
}

/** Sorted names under `prefix` after the page token, rolled up by `delimiter`, at most `max` entries. */
function listPage(bucket: Map<string, StoredGcsObject>, query: URLSearchParams) {
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") || undefined;
  const max = Math.min(Math.max(Number(query.get("maxResults") ?? 1000) || 1000, 1), 1000);
  const token = decodeToken(query.get("pageToken"));
  const names = [...bucket.keys()].filter((name) => name.startsWith(prefix)).sort();
  const items: string[] = [];
  const prefixes: string[] = [];
  let last: PageToken | undefined;
  let more = false;
  for (const name of names) {
    const rest = name.slice(prefix.length);
    const cut = delimiter === undefined ? -1 : rest.indexOf(delimiter);
    const entry: PageToken = cut >= 0 ? { after: prefix + rest.slice(0, cut + delimiter!.length), afterIsPrefix: true } : { after: name, afterIsPrefix: false };
    // Resume strictly after the token; a prefix token also covers every name inside its group.
    if (token !== undefined && (name <= token.after || (token.afterIsPrefix && name.startsWith(token.after)))) continue;
    // Later names of a group already returned on this page add nothing.
    if (entry.afterIsPrefix && last?.afterIsPrefix && last.after === entry.after) continue;
    if (items.length + prefixes.length >= max) {
      more = true;
      break;
    }
    (entry.afterIsPrefix ? prefixes : items).push(entry.after);
    last = entry;
  }
  return { items, prefixes, nextPageToken: more && last !== undefined ? encodeToken(last) : undefined };
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, match: string[]) => Promise<void> | void;

export function createGcsServer(options: GcsServerOptions = {}): Server {
  const state = new GcsState();
  for (const name of options.buckets ?? []) state.buckets.set(name, new Map());

  const writeAndAnswer = (res: ServerResponse, bucket: string, name: string, data: Buffer, meta: ObjectMeta, preconditions: URLSearchParams) =>
    sendJson(res, 200, objectResource(bucket, state.write(bucket, name, data, meta, preconditions)));

  const routes: Array<[method: string, path: RegExp, handler: Handler]> = [
    ["POST", /^\/storage\/v1\/b$/, async (req, res) => {
      const json = parseJson(await readBody(req));
      const name = json.name;
      if (typeof name !== "string" || name === "") throw new GcsHttpError([400, "Required parameter: name", "required"]);
      if (state.buckets.has(name)) throw new GcsHttpError([409, "Your previous request to create the named bucket succeeded and you already own it.", "conflict"]);
      state.buckets.set(name, new Map());
      sendJson(res, 200, bucketResource(name));
    }],
    ["GET", /^\/storage\/v1\/b\/([^/]+)$/, (_req, res, _url, [bucket]) => {
      state.bucket(bucket!);
      sendJson(res, 200, bucketResource(bucket!));
    }],
    ["DELETE", /^\/storage\/v1\/b\/([^/]+)$/, (_req, res, _url, [bucket]) => {
      if (state.bucket(bucket!).size > 0) throw new GcsHttpError([409, "The bucket you tried to delete is not empty.", "conflict"]);
      state.buckets.delete(bucket!);
      res.writeHead(204);
      res.end();
    }],
    ["POST", /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/, async (req, res, url, [bucket]) => {
      const query = url.searchParams;
      const type = query.get("uploadType");
      const body = await readBody(req);
      if (type === "media") return writeAndAnswer(res, bucket!, query.get("name") ?? "", body, metaFrom({}, req.headers["content-type"]), query);
      if (type === "multipart") {
        const part = parseMultipart(body, req.headers["content-type"]);
        const name = typeof part.meta.name === "string" ? part.meta.name : (query.get("name") ?? "");
        return writeAndAnswer(res, bucket!, name, part.data, metaFrom(part.meta, part.contentType), query);
      }
      if (type === "resumable") {
        const json = parseJson(body);
        const name = typeof json.name === "string" ? json.name : (query.get("name") ?? "");
        const uploadContentType = req.headers["x-upload-content-type"];
        const id = state.openSession({ bucket: bucket!, name, meta: metaFrom(json, typeof uploadContentType === "string" ? uploadContentType : undefined), preconditions: new URLSearchParams(query), chunks: [] });
        const location = `http://${req.headers.host}/upload/storage/v1/b/${encodeURIComponent(bucket!)}/o?uploadType=resumable&upload_id=${id}`;
        return sendJson(res, 200, undefined, { location });
      }
      throw new GcsHttpError([400, `Invalid uploadType ${JSON.stringify(type)}`, "invalid"]);
    }],
    ["PUT", /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/, async (req, res, url) => {
      const id = url.searchParams.get("upload_id");
      const session = state.session(id);
      const chunk = await readBody(req);
      session.chunks.push(chunk);
      const received = session.chunks.reduce((sum, c) => sum + c.length, 0);
      // `Content-Range: bytes a-b/total` (or `*/total`, or `a-b/*` while the size is unknown).
      const range = /bytes (?:\*|\d+-\d+)\/(\*|\d+)/.exec(String(req.headers["content-range"] ?? ""));
      const total = range === null ? String(received) : range[1]!;
      if (total === "*" || Number(total) > received) {
        res.writeHead(308, received > 0 ? { range: `bytes=0-${received - 1}` } : {});
        res.end();
        return;
      }
      state.closeSession(id!);
      writeAndAnswer(res, session.bucket, session.name, Buffer.concat(session.chunks), session.meta, session.preconditions);
    }],
    ["POST", /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)\/(rewriteTo|copyTo)\/b\/([^/]+)\/o\/(.+)$/, async (req, res, url, [srcBucket, srcName, how, dstBucket, dstName]) => {
      const json = parseJson(await readBody(req));
      const source = state.bucket(srcBucket!).get(srcName!);
      if (source === undefined) throw new GcsHttpError(objectMissing(srcBucket!, srcName!));
      const sourceFailure = preconditionFailure(url.searchParams, source, false, "Source");
      if (sourceFailure !== undefined) throw new GcsHttpError(sourceFailure);
      const meta = { contentType: source.contentType, ...(source.metadata === undefined ? {} : { metadata: source.metadata }), ...metaFrom(json, undefined) };
      const written = objectResource(dstBucket!, state.write(dstBucket!, dstName!, source.data, meta, url.searchParams));
      if (how === "copyTo") return sendJson(res, 200, written);
      const size = String(source.data.length);
      sendJson(res, 200, { kind: "storage#rewriteResponse", totalBytesRewritten: size, objectSize: size, done: true, resource: written });
    }],
    ["GET", /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/, (_req, res, url, [bucket, name]) => {
      const found = state.bucket(bucket!).get(name!);
      const generation = url.searchParams.get("generation");
      // Only live generations are kept (the bucket is not versioned).
      if (found === undefined || (generation !== null && generation !== String(found.generation))) throw new GcsHttpError(objectMissing(bucket!, name!));
      const failure = preconditionFailure(url.searchParams, found, true);
      if (failure !== undefined) throw new GcsHttpError(failure);
      if (url.searchParams.get("alt") !== "media") return sendJson(res, 200, objectResource(bucket!, found));
      res.writeHead(200, {
        "content-type": found.contentType,
        "content-length": found.data.length,
        "x-goog-hash": `crc32c=${found.crc32c},md5=${found.md5}`,
        "x-goog-generation": String(found.generation),
        "x-goog-metageneration": String(found.metageneration),
        "x-goog-stored-content-encoding": "identity",
        "x-goog-stored-content-length": String(found.data.length),
      });
      res.end(found.data);
    }],
    ["PATCH", /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/, async (req, res, url, [bucket, name]) => {
      const json = parseJson(await readBody(req));
      const found = state.bucket(bucket!).get(name!);
      if (found === undefined) throw new GcsHttpError(objectMissing(bucket!, name!));
      const failure = preconditionFailure(url.searchParams, found, false);
      if (failure !== undefined) throw new GcsHttpError(failure);
      const meta = metaFrom(json, undefined);
      if (meta.contentType !== undefined) found.contentType = meta.contentType;
      if (meta.metadata !== undefined) found.metadata = { ...found.metadata, ...meta.metadata };
      found.metageneration++;
      found.updated = new Date().toISOString();
      sendJson(res, 200, objectResource(bucket!, found));
    }],
    ["DELETE", /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/, (_req, res, url, [bucket, name]) => {
      const objects = state.bucket(bucket!);
      const found = objects.get(name!);
      if (found === undefined) throw new GcsHttpError(objectMissing(bucket!, name!));
      const failure = preconditionFailure(url.searchParams, found, false);
      if (failure !== undefined) throw new GcsHttpError(failure);
      objects.delete(name!);
      res.writeHead(204);
      res.end();
    }],
    ["GET", /^\/storage\/v1\/b\/([^/]+)\/o$/, (_req, res, url, [bucket]) => {
      const page = listPage(state.bucket(bucket!), url.searchParams);
      const objects = state.bucket(bucket!);
      sendJson(res, 200, {
        kind: "storage#objects",
        ...(page.items.length > 0 ? { items: page.items.map((name) => objectResource(bucket!, objects.get(name)!)) } : {}),
        ...(page.prefixes.length > 0 ? { prefixes: page.prefixes } : {}),
        ...(page.nextPageToken === undefined ? {} : { nextPageToken: page.nextPageToken }),
      });
    }],
  ];

  const authorised = (req: IncomingMessage): GcsFailure | undefined => {
    if (options.accessTokens === undefined) return undefined;
    const header = req.headers.authorization;
    if (header === undefined) return [401, "Anonymous caller does not have storage.objects.get access to the Google Cloud Storage object.", "required"];
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    return token !== undefined && options.accessTokens.includes(token) ? undefined : [401, "Invalid Credentials", "authError"];
  };

  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      const denied = authorised(req);
      if (denied !== undefined) {
        req.resume();
        return sendFailure(res, denied);
      }
      for (const [method, path, handler] of routes) {
        const match = req.method === method ? path.exec(url.pathname) : null;
        if (match !== null) return await handler(req, res, url, match.slice(1).map(decodeURIComponent));
      }
      req.resume();
      sendFailure(res, [501, `not implemented by the test server: ${req.method} ${url.pathname}`, "notImplemented"]);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      sendFailure(res, error instanceof GcsHttpError ? error.failure : [500, String((error as Error)?.stack ?? error), "backendError"]);
    }
  });
}

/** Starts a server on a free loopback port. */
export async function startGcsServer(options: GcsServerOptions = {}): Promise<RunningGcsServer> {
  const server = createGcsServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
