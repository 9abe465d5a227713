import { startGcsServer } from "@cairn/test-servers/gcs";

declare module "vitest" {
  export interface ProvidedContext {
    /** A GCS JSON-API test server with bucket `cairn-test` (and every bucket a test creates). */
    gcsEndpoint: string;
    /** The same server kind, but every request must carry `Authorization: Bearer <known token>`. */
    gcsAuthEndpoint: string;
  }
}


export default async function setup({ provide }: { provide: (key: "gcsEndpoint" | "gcsAuthEndpoint", value: string) => void }) {
  // Tests must never probe the GCP metadata server, whatever the machine is.
  process.env.METADATA_SERVER_DETECTION = "none";
  const open = await startGcsServer({ buckets: ["cairn-test"] });
  const guarded = await startGcsServer({ buckets: ["cairn-test"], accessTokens: ["not-what-you-send"] });
  provide("gcsEndpoint", open.endpoint);
  provide("gcsAuthEndpoint", guarded.endpoint);
  return async () => {
    await open.close();
    await guarded.close();
  };
}
