import { startAzurite } from "@cairn/test-servers/azurite";
import { startGcsServer } from "@cairn/test-servers/gcs";
import { startS3Server } from "@cairn/test-servers/s3";
import type { TestProject } from "vitest/node";

const BUCKET = "interop";

declare module "vitest" {
  export interface ProvidedContext {
    interopS3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
    interopAzurite: { host: string; connectionString: string };
    interopGcs: { endpoint: string };
  }
}

/** One emulator of each object store for the whole suite; every test works under its own prefix. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.METADATA_SERVER_DETECTION = "none";
  const [s3, azurite, gcs] = await Promise.all([
    startS3Server({ buckets: [BUCKET] }),
    startAzurite({ containers: [BUCKET] }),
    startGcsServer({ buckets: [BUCKET] }),
  ]);
  project.provide("interopS3", { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  project.provide("interopAzurite", { host: azurite.host, connectionString: azurite.connectionString });
  project.provide("interopGcs", { endpoint: gcs.endpoint });
  return async () => {
    await Promise.all([s3.stop(), azurite.stop(), gcs.close()]);
  };
}
