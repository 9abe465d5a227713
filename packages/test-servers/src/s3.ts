import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopChild } from "./child-process.js";
import { peer } from "./peers.js";
import { readReadyLine } from "./ready-line.js";

/**
 * moto's S3 service (`scripts/peers.sh moto`) in a child process on a fresh loopback port, with
 * authentication on and one key pair, through `python/moto_s3.py`. moto honours `If-None-Match: *`
 * and `If-Match` on PutObject, DeleteObject and CompleteMultipartUpload (412 PreconditionFailed;
 * 404 NoSuchKey for `If-Match` on a missing key), as AWS documents.
 *
 * One deviation is repaired, not bent around in the backend: moto checks a precondition and then
 * writes as two steps, and under its threaded server two racing writers both pass the check. The
 * launcher serves one request at a time, which makes each conditional write atomic, as on S3.
 * Real S3 may also answer 409 ConditionalRequestConflict under contention; moto never does, so that
 * mapping is tested with a unit test in the backend, not here.
 *
 * `conditionalWrites: false` removes the conditional headers from writes before moto sees them: an
 * S3-compatible store that accepts `If-None-Match` and ignores it, which cairn's login probe must
 * refuse. No real server of that kind runs here; this is the one stand-in, and it is moto otherwise.
 *
 * Anonymous (unsigned) requests are refused with 403, as a private bucket on S3 refuses them.
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
   * `false`: moto with `If-None-Match` / `If-Match` stripped from writes, so they are ignored, like
   * the non-conforming S3-compatible stores cairn's login probe must refuse. Default `true`.
   */
  conditionalWrites?: boolean;
}

const LAUNCHER = fileURLToPath(new URL("../python/moto_s3.py", import.meta.url));

interface Ready {
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
}

export async function startS3Server(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const buckets = options.buckets ?? ["cairn-test"];
  const mode = options.conditionalWrites === false ? "ignore-preconditions" : "honest";
  const { python } = peer("moto");
  // Port 0: the launcher binds a fresh free port itself and reports it, so no other process can
  // take it between choosing and binding.
  const child = spawn(python, [LAUNCHER, "0", mode, ...buckets], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
  });
  let ready: Ready;
  try {
    ready = JSON.parse(await readReadyLine(child, "moto", 60_000)) as Ready;
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${ready.port}`,
    region: "us-east-1",
    accessKeyId: ready.accessKeyId,
    secretAccessKey: ready.secretAccessKey,
    buckets,
    stop: () => stopChild(child),
  };
}
