import { startAzurite } from "@cairn/test-servers/azurite";

declare module "vitest" {
  export interface ProvidedContext {
    azuriteHost: string;
    azuriteConnectionString: string;
  }
}

/** One in-memory Azurite for the whole run; every test uses its own container. */
export default async function setup({ provide }: { provide: (key: "azuriteHost" | "azuriteConnectionString", value: string) => void }) {
  const azurite = await startAzurite();
  provide("azuriteHost", azurite.host);
  provide("azuriteConnectionString", azurite.connectionString);
  return () => azurite.stop();
}
