// azblob:// over a local Azurite: checkpoint save/load of a 10,000-resource deployment through
// createStoreBackend, as a ratio to a raw SDK PUT/GET of the same bytes in the same run; and
// listStacks() over 1,000 stacks as a ratio to one raw paged SDK list of the same prefix.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createStoreBackend } from "../packages/core/dist/index.js";
import { openAzblobUrl } from "../packages/backend-azblob/dist/index.js";
import { startAzurite } from "../packages/test-servers/dist/azurite.js";

// The SDK is a dependency of the backend package, so resolve it from there.
const require = createRequire(fileURLToPath(new URL("../packages/backend-azblob/package.json", import.meta.url)));
const { BlobServiceClient } = require("@azure/storage-blob");

const RESOURCES = 10_000;
const STACKS = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function deploymentWith(count) {
  const stackUrn = "urn:pulumi:bench::demo::pulumi:pulumi:Stack::demo-bench";
  const resources = [{ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} }];
  for (let i = 0; i < count - 1; i++) {
    const name = `bucket-${i}`;
    resources.push({
      urn: `urn:pulumi:bench::demo::aws:s3/bucket:Bucket::${name}`,
      custom: true,
      id: `${name}-${(i * 2654435761 % 2 ** 32).toString(16)}`,
      type: "aws:s3/bucket:Bucket",
      parent: stackUrn,
      inputs: { bucket: name, acl: "private", tags: { team: "platform", index: String(i) }, forceDestroy: false },
      outputs: { bucket: name, arn: `arn:aws:s3:::${name}`, region: "eu-west-1", acl: "private", tags: { team: "platform", index: String(i) } },
      provider: "urn:pulumi:bench::demo::pulumi:providers:aws::default::5b9f3e2a",
      created: "2026-11-20T10:14:41.118Z",
      modified: "2026-11-20T10:14:41.118Z",
    });
  }
  return { version: 3, deployment: { manifest: { time: "2026-11-20T10:15:00Z", magic: "", version: "v3.140.0" }, resources } };
}

async function median(action) {
  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = process.hrtime.bigint();
    await action();
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6); // the first run warms up
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const line = (name, ms, baseline) => console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / baseline).toFixed(2)} x baseline`);

const azurite = await startAzurite();
try {
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
  const options = { env: {}, username: "bench" };

  // Checkpoint save / load.
  await service.getContainerClient("bench-checkpoint").create();
  const backend = createStoreBackend(await openAzblobUrl("azblob://bench-checkpoint", env), options);
  const ref = { organization: "organization", project: "demo", name: "bench" };
  await backend.createStack(ref);
  const deployment = deploymentWith(RESOURCES);
  const bytes = Buffer.from(JSON.stringify(deployment));
  const raw = service.getContainerClient("bench-checkpoint").getBlockBlobClient("raw/checkpoint.json");
  const rawPut = await median(() => raw.upload(bytes, bytes.length));
  const rawGet = await median(async () => (await raw.download(0)).readableStreamBody.toArray());
  const save = await median(() => backend.importDeployment(ref, deployment));
  const load = await median(() => backend.exportDeployment(ref));
  console.log(`checkpoint: ${RESOURCES} resources, ${(bytes.length / 1e6).toFixed(1)} MB, median of ${RUNS}`);
  line("raw SDK PUT (baseline)", rawPut, rawPut);
  line("importDeployment (save)", save, rawPut);
  line("raw SDK GET (baseline)", rawGet, rawGet);
  line("exportDeployment (load)", load, rawGet);

  // listStacks over 1,000 stacks.
  await service.getContainerClient("bench-stacks").create();
  const many = createStoreBackend(await openAzblobUrl("azblob://bench-stacks", env), options);
  for (let i = 0; i < STACKS; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, STACKS - i) }, (_, j) => many.createStack({ organization: "organization", project: "demo", name: `s${i + j}` })));
  }
  const stacksContainer = service.getContainerClient("bench-stacks");
  const rawList = await median(async () => {
    let count = 0;
    for await (const page of stacksContainer.listBlobsFlat({ prefix: ".pulumi/stacks/" }).byPage({ maxPageSize: 1000 })) count += page.segment.blobItems.length;
    if (count < STACKS) throw new Error(`raw list saw ${count} blobs`);
  });
  const listed = await median(async () => {
    const stacks = await many.listStacks();
    if (stacks.length !== STACKS) throw new Error(`listStacks saw ${stacks.length} stacks`);
  });
  console.log(`listStacks: ${STACKS} stacks, median of ${RUNS}`);
  line("raw SDK paged list (baseline)", rawList, rawList);
  line("listStacks()", listed, rawList);
} finally {
  await azurite.stop();
}
