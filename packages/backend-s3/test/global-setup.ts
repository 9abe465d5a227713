import { startS3Server } from "@cairn/test-servers/s3";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  }
}

/** One S3 test server (moto) for the whole package; tests use fresh prefixes. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startS3Server({ buckets: ["cairn-test"] });
  project.provide("s3", {
    endpoint: server.endpoint,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    bucket: "cairn-test",
  });
  return () => server.stop();
}
