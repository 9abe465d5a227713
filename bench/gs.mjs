// gs:// over cairn's GCS JSON-API test server: checkpoint save/load of a 10,000-resource deployment
// through createStoreBackend, as a ratio to a raw SDK PUT/GET of the same bytes in the same run; and
// listStacks() over 1,000 stacks as a ratio to one raw paged SDK list of the same prefix.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createStoreBackend } from "../packages/core/dist/index.js";
import { openGsStore } from "../packages/backend-gs/dist/index.js";
import { startGcsServer } from "../packages/test-servers/dist/gcs.js";
import { generateDeployment, median, printRatio, RUNS } from "./lib/workload.mjs";

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
  const deployment = generateDeployment(RESOURCES);
  const bytes = Buffer.from(JSON.stringify(deployment));
  const raw = storage.bucket("bench-checkpoint").file("raw/checkpoint.json");
  const rawPut = await median(() => raw.save(bytes, { resumable: false }));
  const rawGet = await median(() => raw.download());
  const save = await median(() => backend.importDeployment(ref, deployment));
  const load = await median(() => backend.exportDeployment(ref));
  console.log(`checkpoint: ${RESOURCES} resources, ${(bytes.length / 1e6).toFixed(1)} MB, median of ${RUNS}`);
  printRatio("raw SDK PUT (baseline)", rawPut, rawPut);
  printRatio("importDeployment (save)", save, rawPut);
  printRatio("raw SDK GET (baseline)", rawGet, rawGet);
  printRatio("exportDeployment (load)", load, rawGet);

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
  printRatio("raw SDK paged list (baseline)", rawList, rawList);
  printRatio("listStacks()", listed, rawList);
} finally {
  await server.close();
}
