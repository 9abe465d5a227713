// azblob:// over a local Azurite: checkpoint save/load of a 10,000-resource deployment through
// createStoreBackend, as a ratio to a raw SDK PUT/GET of the same bytes in the same run; and
// listStacks() over 1,000 stacks as a ratio to one raw paged SDK list of the same prefix.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createStoreBackend } from "../packages/core/dist/index.js";
import { openAzblobUrl } from "../packages/backend-azblob/dist/index.js";
import { startAzurite } from "../packages/test-servers/dist/azurite.js";
import { compareCheckpoint, compareListStacks, generateDeployment } from "./lib/workload.mjs";

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
  const raw = service.getContainerClient("bench-checkpoint").getBlockBlobClient("raw/checkpoint.json");
  await compareCheckpoint({
    backend,
    ref,
    deployment: generateDeployment(RESOURCES),
    rawPut: (bytes) => raw.upload(bytes, bytes.length),
    rawGet: async () => (await raw.download(0)).readableStreamBody.toArray(),
  });

  // listStacks over 1,000 stacks.
  await service.getContainerClient("bench-stacks").create();
  const many = createStoreBackend(await openAzblobUrl("azblob://bench-stacks", env), options);
  for (let i = 0; i < STACKS; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, STACKS - i) }, (_, j) => many.createStack({ organization: "organization", project: "demo", name: `s${i + j}` })));
  }
  const stacksContainer = service.getContainerClient("bench-stacks");
  await compareListStacks({
    backend: many,
    expected: STACKS,
    rawList: async () => {
      let count = 0;
      for await (const page of stacksContainer.listBlobsFlat({ prefix: ".pulumi/stacks/" }).byPage({ maxPageSize: 1000 })) count += page.segment.blobItems.length;
      return count;
    },
  });
} finally {
  await azurite.stop();
}
