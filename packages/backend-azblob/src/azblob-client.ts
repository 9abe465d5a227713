import { AnonymousCredential, BlobServiceClient, ContainerClient, StorageSharedKeyCredential, type StoragePipelineOptions } from "@azure/storage-blob";
import type { AzblobCredential } from "./azblob-credentials.js";
import { serviceUrlOf, type AzblobLocation } from "./azblob-url.js";

/** The SDK does not retry: cairn's `withRetry` does, with one bounded, jittered policy for every store. */
const PIPELINE_OPTIONS: StoragePipelineOptions = {
  retryOptions: { maxTries: 1 },
  userAgentOptions: { userAgentPrefix: "cairn" },
};

export interface OpenedContainer {
  client: ContainerClient;
  /** The service URL requests go to, without any query (a SAS token never appears in messages). */
  endpoint: string;
}

/** A container client for the credential gocloud's order picked. */
export async function openContainerClient(location: AzblobLocation, credential: AzblobCredential): Promise<OpenedContainer> {
  if (credential.kind === "connection-string") {
    // As in gocloud: the connection string names its own endpoint; URL parameters do not move it.
    const service = BlobServiceClient.fromConnectionString(credential.connectionString, PIPELINE_OPTIONS);
    return { client: service.getContainerClient(location.container), endpoint: withoutQuery(service.url) };
  }
  const endpoint = serviceUrlOf(location.endpoint);
  const containerUrl = `${endpoint}/${encodeURIComponent(location.container)}`;
  switch (credential.kind) {
    case "shared-key":
      return { client: new ContainerClient(containerUrl, new StorageSharedKeyCredential(credential.accountName, credential.accountKey), PIPELINE_OPTIONS), endpoint };
    case "sas":
      return { client: new ContainerClient(`${containerUrl}?${credential.token}`, new AnonymousCredential(), PIPELINE_OPTIONS), endpoint };
    case "azure-ad": {
      // Only this path pays for loading @azure/identity.
      const { DefaultAzureCredential } = await import("@azure/identity");
      return { client: new ContainerClient(containerUrl, new DefaultAzureCredential(), PIPELINE_OPTIONS), endpoint };
    }
  }
}

function withoutQuery(url: string): string {
  const query = url.indexOf("?");
  return (query < 0 ? url : url.slice(0, query)).replace(/\/$/, "");
}
