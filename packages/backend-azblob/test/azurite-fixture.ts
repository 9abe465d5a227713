import { randomBytes } from "node:crypto";
import { BlobServiceClient } from "@azure/storage-blob";
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from "@cairn/test-servers/azurite";
import { inject } from "vitest";

export { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME };

/** An environment with none of the Azure variables of the machine running the tests. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("AZURE_")) delete env[name];
  return { ...env, ...extra };
}

/** The connection-string route (what Azure's own tools print for Azurite). */
export const connectionStringEnv = () => cleanEnv({ AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") });

/** The account-key route, with the endpoint in the URL: `?localemu=true&domain=127.0.0.1:PORT&protocol=http`. */
export const accountKeyEnv = () => cleanEnv({ AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT_NAME, AZURE_STORAGE_KEY: AZURITE_ACCOUNT_KEY });
export const emulatorParameters = () => `localemu=true&domain=${inject("azuriteHost")}&protocol=http`;

export function uniqueContainerName(label: string): string {
  return `${label}-${randomBytes(5).toString("hex")}`;
}

export async function createContainer(name: string): Promise<void> {
  await BlobServiceClient.fromConnectionString(inject("azuriteConnectionString")).getContainerClient(name).create();
}

export async function deleteContainer(name: string): Promise<void> {
  await BlobServiceClient.fromConnectionString(inject("azuriteConnectionString")).getContainerClient(name).deleteIfExists();
}
