// s3:// over s3rver (with cairn's test conditional-write layer): checkpoint save/load of a
// 10,000-resource deployment through createStoreBackend, as a ratio to a raw SDK PUT/GET of the same
// bytes in the same run; and listStacks() over 1,000 stacks as a ratio to one raw paged
// ListObjectsV2 of the same prefix. Run after `pnpm exec tsc -b packages/backend-s3 packages/test-servers`.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createStoreBackend } from "../packages/core/dist/index.js";
import { openS3Store, parseS3Url } from "../packages/backend-s3/dist/index.js";
import { startS3Server } from "../packages/test-servers/dist/s3.js";

// The SDK is a dependency of the backend package, so resolve it from there.
const require = createRequire(fileURLToPath(new URL("../packages/backend-s3/package.json", import.meta.url)));
const { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } = require("@aws-sdk/client-s3");

const RESOURCES = 10_000;
const STACKS = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** A realistic deployment: a stack, a provider and `count` buckets with inputs and outputs. */
function generateDeployment(count) {
  const stack = "urn:pulumi:bench::demo::pulumi:pulumi:Stack::demo-bench";
  const provider = "urn:pulumi:bench::demo::pulumi:providers:aws::default_6_66_0";
  const resources = [
    { urn: stack, custom: false, type: "pulumi:pulumi:Stack" },
    { urn: provider, custom: true, id: "0b3c1f7e", type: "pulumi:providers:aws", parent: stack, inputs: { region: "eu-west-1" }, outputs: { region: "eu-west-1" } },
  ];
  for (let i = 0; i < count - 2; i++) {
    const name = `logs-${i}`;
    const tags = { owner: "platform", index: String(i) };
    resources.push({
      urn: `urn:pulumi:bench::demo::aws:s3/bucketV2:BucketV2::${name}`,
      custom: true,
      id: `${name}-${(i * 40503).toString(36)}`,
      type: "aws:s3/bucketV2:BucketV2",
      parent: stack,
      provider: `${provider}::0b3c1f7e`,
      inputs: { bucket: name, forceDestroy: false, tags },
      outputs: { id: name, bucket: name, arn: `arn:aws:s3:::${name}`, region: "eu-west-1", tags, tagsAll: tags },
    });
  }
  return { version: 3, deployment: { manifest: { time: "2026-11-25T12:00:00Z", magic: "", version: "v3.140.0" }, resources } };
}

async function median(action) {
  const times = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    await action();
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6); // run 0 warms up
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const line = (name, ms, baseline) => console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / baseline).toFixed(2)} x baseline`);

const server = await startS3Server({ buckets: ["bench"] });
const raw = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  forcePathStyle: true,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
const open = async (prefix) => {
  const url = `s3://bench/${prefix}?endpoint=${server.endpoint.slice("http://".length)}&disable_https=true&use_path_style=true`;
  const credentials = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
  return createStoreBackend(await openS3Store({ ...parseS3Url(new URL(url)), url, credentials }), { env: {}, username: "bench" });
};
try {
  const backend = await open("checkpoint");
  const ref = { organization: "organization", project: "demo", name: "bench" };
  await backend.createStack(ref);
  const deployment = generateDeployment(RESOURCES);
  const bytes = Buffer.from(JSON.stringify(deployment));
  const rawPut = await median(() => raw.send(new PutObjectCommand({ Bucket: "bench", Key: "raw/checkpoint.json", Body: bytes })));
  const rawGet = await median(async () => (await raw.send(new GetObjectCommand({ Bucket: "bench", Key: "raw/checkpoint.json" }))).Body.transformToByteArray());
  const save = await median(() => backend.importDeployment(ref, deployment));
  const load = await median(() => backend.exportDeployment(ref));
  console.log(`checkpoint: ${RESOURCES} resources, ${(bytes.length / 1e6).toFixed(1)} MB, median of ${RUNS}`);
  line("raw SDK PUT (baseline)", rawPut, rawPut);
  line("importDeployment (save)", save, rawPut);
  line("raw SDK GET (baseline)", rawGet, rawGet);
  line("exportDeployment (load)", load, rawGet);

  // 1,000 stacks: one created through cairn, the rest written as the same stack file with the
  // name changed (setup only; creating each through the lock protocol would take minutes here).
  const many = await open("stacks");
  await many.createStack({ organization: "organization", project: "demo", name: "s0" });
  const template = await (await raw.send(new GetObjectCommand({ Bucket: "bench", Key: "stacks/.pulumi/stacks/demo/s0.json" }))).Body.transformToString();
  for (let i = 1; i < STACKS; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, STACKS - i) }, (_, j) => raw.send(new PutObjectCommand({
      Bucket: "bench",
      Key: `stacks/.pulumi/stacks/demo/s${i + j}.json`,
      Body: template.replace("organization/demo/s0", `organization/demo/s${i + j}`),
    }))));
  }
  const rawList = await median(async () => {
    let count = 0;
    let token;
    do {
      const page = await raw.send(new ListObjectsV2Command({ Bucket: "bench", Prefix: "stacks/.pulumi/stacks/", ContinuationToken: token }));
      count += page.KeyCount ?? 0;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
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
  raw.destroy();
  await server.stop();
}
