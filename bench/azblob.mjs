// azblob:// over a local Azurite: checkpoint save/load of a 10,000-resource deployment through
// createStoreBackend, as a ratio to a raw SDK PUT/GET of the same bytes in the same run; and
// listStacks() over 1,000 stacks as a ratio to one raw paged SDK list of the same prefix.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createStoreBackend } from "../packages/core/dist/index.js";
import { openAzblobUrl } from "../packages/backend-azblob/dist/index.js";
import { startAzurite } from "../packages/test-servers/dist/azurite.js";
import { generateDeployment, median, printRatio, RUNS } from "./lib/workload.mjs";

// The SDK is a dependency of the backend package, so resolve it from there.
const require = createRequire(fileURLToPath(new URL("../packages/backend-azblob/package.json", import.meta.url)));
const { BlobServiceClient } = require("@azure/storage-blob");

const RESOURCES = 10_000;
const STACKS = 1_000;

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
  const deployment = generateDeployment(RESOURCES);
  const bytes = Buffer.from(JSON.stringify(deployment));
  const raw = service.getContainerClient("bench-checkpoint").getBlockBlobClient("raw/checkpoint.json");
  const rawPut = await median(() => raw.upload(bytes, bytes.length));
  const rawGet = await median(async () => (await raw.download(0)).readableStreamBody.toArray());
  const save = await median(() => backend.importDeployment(ref, deployment));
  const load = await median(() => backend.exportDeployment(ref));
  console.log(`checkpoint: ${RESOURCES} resources, ${(bytes.length / 1e6).toFixed(1)} MB, median of ${RUNS}`);
  printRatio("raw SDK PUT (baseline)", rawPut, rawPut);
  printRatio("importDeployment (save)", save, rawPut);
  printRatio("raw SDK GET (baseline)", rawGet, rawGet);
  printRatio("exportDeployment (load)", load, rawGet);

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
  printRatio("raw SDK paged list (baseline)", rawList, rawList);
  printRatio("listStacks()", listed, rawList);
} finally {
  await azurite.stop();
}
