// s3:// over moto (the S3 emulator the tests use): checkpoint save/load of a
// 10,000-resource deployment through createStoreBackend, as a ratio to a raw SDK PUT/GET of the same
// bytes in the same run; and listStacks() over 1,000 stacks as a ratio to one raw paged
// ListObjectsV2 of the same prefix. Run after `pnpm exec tsc -b packages/backend-s3 packages/test-servers`.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createStoreBackend } from "../packages/core/dist/index.js";
import { openS3Store, parseS3Url } from "../packages/backend-s3/dist/index.js";
import { startS3Server } from "../packages/test-servers/dist/s3.js";
import { compareCheckpoint, compareListStacks, generateDeployment } from "./lib/workload.mjs";

// The SDK is a dependency of the backend package, so resolve it from there.
const require = createRequire(fileURLToPath(new URL("../packages/backend-s3/package.json", import.meta.url)));
const { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } = require("@aws-sdk/client-s3");

const RESOURCES = 10_000;
const STACKS = 1_000;

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
  const object = { Bucket: "bench", Key: "raw/checkpoint.json" };
  await compareCheckpoint({
    backend,
    ref,
    deployment: generateDeployment(RESOURCES),
    rawPut: (bytes) => raw.send(new PutObjectCommand({ ...object, Body: bytes })),
    rawGet: async () => (await raw.send(new GetObjectCommand(object))).Body.transformToByteArray(),
  });

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
  await compareListStacks({
    backend: many,
    expected: STACKS,
    rawList: async () => {
      let count = 0;
      let token;
      do {
        const page = await raw.send(new ListObjectsV2Command({ Bucket: "bench", Prefix: "stacks/.pulumi/stacks/", ContinuationToken: token }));
        count += page.KeyCount ?? 0;
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return count;
    },
  });
} finally {
  raw.destroy();
  await server.stop();
}
