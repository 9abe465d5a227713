// gs:// over cairn's GCS JSON-API test server: checkpoint save/load of a 10,000-resource deployment
// through createStoreBackend, as a ratio to a raw SDK PUT/GET of the same bytes in the same run; and
// listStacks() over 1,000 stacks as a ratio to one raw paged SDK list of the same prefix.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createStoreBackend } from "../packages/core/dist/index.js";
import { openGsStore } from "../packages/backend-gs/dist/index.js";
import { startGcsServer } from "../packages/test-servers/dist/gcs.js";
import { compareCheckpoint, compareListStacks, generateDeployment } from "./lib/workload.mjs";

process.env.METADATA_SERVER_DETECTION = "none";
// The SDK is a dependency of the backend package, so resolve it from there.
const require = createRequire(fileURLToPath(new URL("../packages/backend-gs/package.json", import.meta.url)));
const { Storage } = require("@google-cloud/storage");

const RESOURCES = 10_000;
const STACKS = 1_000;

const server = await startGcsServer({ buckets: ["bench-checkpoint", "bench-stacks"] });
try {
  const url = (bucket) => new URL(`gs://${bucket}?endpoint=${encodeURIComponent(server.endpoint)}`);
  const storage = new Storage({ apiEndpoint: server.endpoint, retryOptions: { autoRetry: false } });
  const options = { env: {}, username: "bench" };

  const backend = createStoreBackend(await openGsStore(url("bench-checkpoint"), {}), options);
  const ref = { organization: "organization", project: "demo", name: "bench" };
  await backend.createStack(ref);
  const raw = storage.bucket("bench-checkpoint").file("raw/checkpoint.json");
  await compareCheckpoint({
    backend,
    ref,
    deployment: generateDeployment(RESOURCES),
    rawPut: (bytes) => raw.save(bytes, { resumable: false }),
    rawGet: () => raw.download(),
  });

  const many = createStoreBackend(await openGsStore(url("bench-stacks"), {}), options);
  for (let i = 0; i < STACKS; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, STACKS - i) }, (_, j) => many.createStack({ organization: "organization", project: "demo", name: `s${i + j}` })));
  }
  await compareListStacks({
    backend: many,
    expected: STACKS,
    rawList: async () => {
      let count = 0;
      for (let query = { prefix: ".pulumi/stacks/", maxResults: 1000, autoPaginate: false }; query; ) {
        const [files, next] = await storage.bucket("bench-stacks").getFiles(query);
        count += files.length;
        query = next;
      }
      return count;
    },
  });
} finally {
  await server.close();
}
