// An engine creating n = 100, 1,000 and 3,000 resources (two saves per resource) through an update
// session, on the file store and on the S3 and Azure test servers: bytes written, requests and wall
// time for the journaled path (one small journal object per step, compacted at the end) against the
// naive path (the whole checkpoint rewritten on every step) in the same run. The naive path is
// O(n²): above BENCH_NAIVE_MAX resources (default 1,000 on files, 100 on the
// test servers) it is not run, and its bytes are
// estimated from the sizes of the checkpoints it would write instead (requests: 2 per step).
// Run after `pnpm exec tsc -b packages/backend-file packages/backend-s3 packages/backend-azblob packages/test-servers`.
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countingStore, createStoreBackend, formatJson } from "../packages/core/dist/index.js";
import { FileStore } from "../packages/backend-file/dist/index.js";
import { openS3Store, parseS3Url } from "../packages/backend-s3/dist/index.js";
import { openAzblobUrl } from "../packages/backend-azblob/dist/index.js";
import { startS3Server } from "../packages/test-servers/dist/s3.js";
import { startAzurite } from "../packages/test-servers/dist/azurite.js";
import { engineRun, formatBytes } from "./lib/workload.mjs";

const SIZES = (process.env.BENCH_SIZES ?? "100,1000,3000").split(",").map(Number);
/** The naive path is run up to this many resources (file: 1,000; the remote test servers: 100). */
const naiveMax = (storeName) => Number(process.env.BENCH_NAIVE_MAX ?? (storeName === "file" ? 1000 : 100));
const STORES = (process.env.BENCH_STORES ?? "file,s3,azblob").split(",");
const REF = { organization: "organization", project: "demo", name: "bench" };

let runs = 0;
/** Opens a fresh, empty store (a new prefix) on the named server. */
const openers = {
  async file() {
    const root = await mkdtemp(join(tmpdir(), "cairn-bench-journal-"));
    return { store: new FileStore(root, `file://${root}`), cleanup: () => rm(root, { recursive: true, force: true }) };
  },
  async s3() {
    servers.s3 ??= await startS3Server({ buckets: ["bench"] });
    const server = servers.s3;
    const url = `s3://bench/run${++runs}?endpoint=${server.endpoint.slice("http://".length)}&disable_https=true&use_path_style=true`;
    const credentials = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
    return { store: await openS3Store({ ...parseS3Url(new URL(url)), url, credentials }), cleanup: async () => {} };
  },
  async azblob() {
    if (servers.azblob === undefined) {
      servers.azblob = await startAzurite();
      const require = createRequire(fileURLToPath(new URL("../packages/backend-azblob/package.json", import.meta.url)));
      const { BlobServiceClient } = require("@azure/storage-blob");
      await BlobServiceClient.fromConnectionString(servers.azblob.connectionString).getContainerClient("bench").create();
    }
    const env = { AZURE_STORAGE_CONNECTION_STRING: servers.azblob.connectionString };
    return { store: await openAzblobUrl(`azblob://bench/run${++runs}`, env), cleanup: async () => {} };
  },
};
const servers = {};

/** One update of `count` resources through a session; `naive` saves the whole deployment per step. */
async function measure(storeName, count, naive) {
  const { store, cleanup } = await openers[storeName]();
  const counted = countingStore(store);
  const backend = createStoreBackend(counted.store, { env: {}, username: "bench" });
  const run = engineRun(count);
  await backend.createStack(REF, { initialDeployment: run.start });
  counted.reset();
  const started = process.hrtime.bigint();
  const session = await backend.beginUpdate(REF, "update");
  for (const step of run.steps()) {
    if (naive) await session.save(step.full());
    else await session.journal(step.entry);
  }
  const beforeComplete = { ...counted.traffic, requests: counted.requests() };
  await session.complete("succeeded");
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const exported = await backend.exportDeployment(REF);
  if (exported.deployment.resources.length !== count) throw new Error(`${storeName}: exported ${exported.deployment.resources.length} resources, expected ${count}`);
  const finalSize = (await counted.store.get(".pulumi/stacks/demo/bench.json")).bytes.length;
  await backend.close();
  await cleanup();
  return { bytes: counted.traffic.bytesWritten, saveBytes: beforeComplete.bytesWritten, requests: counted.requests(), ms, finalSize };
}

/**
 * The naive path's bytes without running it. A checkpoint's size is linear in its resources (they
 * are alike), so formatting the first and last checkpoints gives every one in between:
 * Σ over steps of size(first) + k × per-resource size (+ the pending operation on a begin step).
 */
function naiveBytesEstimated(count) {
  const encoder = new TextEncoder();
  const sizeOf = (deployment) => encoder.encode(formatJson({ version: 3, checkpoint: { stack: "organization/demo/bench", latest: deployment } })).length;
  // `full()` reads the generator's state, so each is taken as its step comes.
  const sizes = {};
  let total = 0;
  for (const step of engineRun(count).steps()) {
    total++;
    if (total === 1) sizes.pending = sizeOf(step.full().deployment); // root + a pending operation
    if (total === 2) sizes.first = sizeOf(step.full().deployment); // root + 1 resource
    if (total === 2 * (count - 1)) sizes.last = sizeOf(step.full().deployment); // root + count - 1
  }
  const perResource = (sizes.last - sizes.first) / (count - 2);
  const pending = sizes.pending - (sizes.first - perResource);
  let bytes = 0;
  for (let index = 0; index < total; index++) {
    const created = Math.floor((index + 1) / 2); // resources beyond the root after this step
    bytes += sizes.first + (created - 1) * perResource + (index % 2 === 0 ? pending : 0);
  }
  return { bytes: Math.round(bytes), steps: total };
}

const line = (store, n, path, result) =>
  console.log(
    `${store.padEnd(7)} n=${String(n).padEnd(5)} ${path.padEnd(10)} ${formatBytes(result.bytes).padStart(10)} written  ${String(result.requests).padStart(6)} requests  ${(result.ms === undefined ? "—" : `${(result.ms / 1000).toFixed(2)} s`).padStart(8)}${result.note ?? ""}`,
  );

try {
  console.log("store   n     path          written  requests      wall   (journaled: save traffic ÷ final checkpoint)");
  for (const storeName of STORES) {
    for (const n of SIZES) {
      const journaled = await measure(storeName, n, false);
      line(storeName, n, "journaled", { ...journaled, note: `   final ${formatBytes(journaled.finalSize)}; saves ${formatBytes(journaled.saveBytes)} = ${(journaled.saveBytes / journaled.finalSize).toFixed(2)}x, whole update ${(journaled.bytes / journaled.finalSize).toFixed(2)}x` });
      if (n <= naiveMax(storeName)) {
        const naive = await measure(storeName, n, true);
        line(storeName, n, "naive", { ...naive, note: `   saves ${formatBytes(naive.saveBytes)} = ${(naive.saveBytes / naive.finalSize).toFixed(0)}x final; ${(naive.bytes / journaled.bytes).toFixed(1)}x the journaled bytes, ${(naive.ms / journaled.ms).toFixed(1)}x its time` });
      } else {
        const estimated = naiveBytesEstimated(n);
        line(storeName, n, "naive", { bytes: estimated.bytes, requests: `~${estimated.steps * 2 + 15}`, note: `   estimated, not run (O(n²)); ${(estimated.bytes / journaled.bytes).toFixed(1)}x the journaled bytes` });
      }
    }
  }
} finally {
  await servers.s3?.stop?.();
  await servers.azblob?.stop?.();
}
