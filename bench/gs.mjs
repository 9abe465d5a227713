// gs:// over cairn's GCS JSON-API test server: checkpoint save/load of a 10,000-resource deployment
// through createStoreBackend, as a ratio to a raw SDK PUT/GET of the same bytes in the same run; and
// listStacks() over 1,000 stacks as a ratio to one raw paged SDK list of the same prefix.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createStoreBackend } from "../packages/core/dist/index.js";
import { openGsStore } from "../packages/backend-gs/dist/index.js";
import { startGcsServer } from "../packages/test-servers/dist/gcs.js";

process.env.METADATA_SERVER_DETECTION = "none";
// The SDK is a dependency of the backend package, so resolve it from there.
const require = createRequire(fileURLToPath(new URL("../packages/backend-gs/package.json", import.meta.url)));
const { Storage } = require("@google-cloud/storage");

const RESOURCES = 10_000;
const STACKS = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function deploymentWith(count) {
  const stackUrn = "urn:pulumi:bench::demo::pulumi:pulumi:Stack::demo-bench";
  const resources = [{ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} }];
  for (let i = 1; i < count; i++) {
    const name = `bucket-${i}`;
    resources.push({
      urn: `urn:pulumi:bench::demo::gcp:storage/bucket:Bucket::${name}`,
      custom: true,
      id: name,
      type: "gcp:storage/bucket:Bucket",
      parent: stackUrn,
      inputs: { name, location: "EU", labels: { team: "platform", index: String(i) }, forceDestroy: false },
      outputs: { name, url: `gs://${name}`, selfLink: `https://www.googleapis.com/storage/v1/b/${name}`, location: "EU", labels: { team: "platform", index: String(i) } },
      provider: "urn:pulumi:bench::demo::pulumi:providers:gcp::default::5b9f3e2a",
    });
  }
  return { version: 3, deployment: { manifest: { time: "2026-11-20T10:15:00Z", magic: "", version: "v3.140.0" }, resources } };
}

/** Median of RUNS timed runs after one warm-up. */
async function median(action) {
  const times = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    await action();
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const line = (name, ms, baseline) => console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / baseline).toFixed(2)} x baseline`);

const server = await startGcsServer({ buckets: ["bench-checkpoint", "bench-stacks"] });
try {
  const url = (bucket) => new URL(`gs://${bucket}?endpoint=${encodeURIComponent(server.endpoint)}`);
  const storage = new Storage({ apiEndpoint: server.endpoint, retryOptions: { autoRetry: false } });
  const options = { env: {}, username: "bench" };

  const backend = createStoreBackend(await openGsStore(url("bench-checkpoint"), {}), options);
  const ref = { organization: "organization", project: "demo", name: "bench" };
  await backend.createStack(ref);
  const deployment = deploymentWith(RESOURCES);
  const bytes = Buffer.from(JSON.stringify(deployment));
  const raw = storage.bucket("bench-checkpoint").file("raw/checkpoint.json");
  const rawPut = await median(() => raw.save(bytes, { resumable: false }));
  const rawGet = await median(() => raw.download());
  const save = await median(() => backend.importDeployment(ref, deployment));
  const load = await median(() => backend.exportDeployment(ref));
  console.log(`checkpoint: ${RESOURCES} resources, ${(bytes.length / 1e6).toFixed(1)} MB, median of ${RUNS}`);
  line("raw SDK PUT (baseline)", rawPut, rawPut);
  line("importDeployment (save)", save, rawPut);
  line("raw SDK GET (baseline)", rawGet, rawGet);
  line("exportDeployment (load)", load, rawGet);

  const many = createStoreBackend(await openGsStore(url("bench-stacks"), {}), options);
  for (let i = 0; i < STACKS; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, STACKS - i) }, (_, j) => many.createStack({ organization: "organization", project: "demo", name: `s${i + j}` })));
  }
  const rawList = await median(async () => {
    let count = 0;
    let query = { prefix: ".pulumi/stacks/", maxResults: 1000, autoPaginate: false };
    while (query) {
      const [files, next] = await storage.bucket("bench-stacks").getFiles(query);
      count += files.length;
      query = next;
    }
    if (count < STACKS) throw new Error(`raw list saw ${count} objects`);
  });
  const listed = await median(async () => {
    const stacks = await many.listStacks();
    if (stacks.length !== STACKS) throw new Error(`listStacks saw ${stacks.length} stacks`);
  });
  console.log(`listStacks: ${STACKS} stacks, median of ${RUNS}`);
  line("raw SDK paged list (baseline)", rawList, rawList);
  line("listStacks()", listed, rawList);
} finally {
  await server.close();
}
