// `stack migrate` throughput: 200 stacks from a file backend to the S3 test server through
// migrateStacks (lock, copy, verify by hash, release), as stacks/s and MB/s, against the baseline of
// copying the same stack files with raw SDK PutObject calls in the same run (same parallelism).
// Run after `pnpm exec turbo run build`.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { canonicalHash, createStoreBackend, migrateStacks } from "../packages/core/dist/index.js";
import { FileStore } from "../packages/backend-file/dist/index.js";
import { openS3Store, parseS3Url } from "../packages/backend-s3/dist/index.js";
import { startS3Server } from "../packages/test-servers/dist/s3.js";
import { generateDeployment } from "./lib/workload.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const require = createRequire(fileURLToPath(new URL("../packages/backend-s3/package.json", import.meta.url)));
const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");

const STACKS = Number(process.env.BENCH_STACKS ?? 200);
const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 50);
const PARALLEL = 4;

const dir = mkdtempSync(join(tmpdir(), "cairn-bench-migrate-"));
const server = await startS3Server({ buckets: ["bench"] });
try {
  const options = { env: {}, username: "bench" };
  const source = createStoreBackend(new FileStore(dir, pathToFileURL(dir).href), options);
  const refs = Array.from({ length: STACKS }, (_, i) => ({ organization: "organization", project: "demo", name: `s${i}` }));
  for (const ref of refs) await source.createStack(ref, { initialDeployment: generateDeployment(RESOURCES, { stack: ref.name }) });

  const credentials = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
  const open = async (prefix) => {
    const url = `s3://bench/${prefix}?endpoint=${server.endpoint.slice("http://".length)}&disable_https=true&use_path_style=true`;
    return createStoreBackend(await openS3Store({ ...parseS3Url(new URL(url)), url, credentials }), options);
  };
  const raw = new S3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials, requestChecksumCalculation: "WHEN_REQUIRED" });

  // Baseline: the same stack files, put as they are, PARALLEL at a time.
  const stackDir = join(dir, ".pulumi/stacks/demo");
  const files = readdirSync(stackDir).filter((name) => name.endsWith(".json"));
  const bytes = files.reduce((sum, name) => sum + readFileSync(join(stackDir, name)).length, 0);
  let start = process.hrtime.bigint();
  const queue = [...files];
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      await raw.send(new PutObjectCommand({ Bucket: "bench", Key: `raw/.pulumi/stacks/demo/${name}`, Body: readFileSync(join(stackDir, name)) }));
    }
  }));
  const rawMs = Number(process.hrtime.bigint() - start) / 1e6;

  const target = await open("migrated");
  start = process.hrtime.bigint();
  const summary = await migrateStacks(source, target, refs, { parallel: PARALLEL });
  const migrateMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (summary.failures.length > 0 || summary.results.some((r) => r.outcome !== "migrated")) throw new Error(`migration failed: ${JSON.stringify(summary.failures[0])}`);
  const sample = refs[STACKS - 1];
  if (canonicalHash(await target.exportDeployment(sample)).hash !== canonicalHash(await source.exportDeployment(sample)).hash) throw new Error("target differs");

  const rate = (ms) => `${(STACKS / (ms / 1000)).toFixed(1).padStart(7)} stacks/s  ${(bytes / 1e6 / (ms / 1000)).toFixed(2).padStart(6)} MB/s`;
  console.log(`migrate ${STACKS} stacks (${RESOURCES} resources each, ${(bytes / 1e6).toFixed(1)} MB) file → S3 test server, ${PARALLEL} at a time`);
  console.log(`  raw SDK PutObject of the stack files (baseline)  ${rawMs.toFixed(0).padStart(7)} ms  ${rate(rawMs)}  1.00x`);
  console.log(`  cairn migrateStacks (lock, copy, verify)         ${migrateMs.toFixed(0).padStart(7)} ms  ${rate(migrateMs)}  ${(migrateMs / rawMs).toFixed(2)}x baseline time`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
