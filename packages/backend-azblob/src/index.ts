import { defineBackendPlugin } from "@cairn/core/driver";
import { resolveAzblobCredential } from "./azblob-credentials.js";
import { parseAzblobUrl } from "./azblob-url.js";

export type { AzblobStore } from "./azblob-store.js";
export { parseAzblobUrl, serviceUrlOf, AZBLOB_URL_PARAMETERS, type AzblobLocation, type ServiceEndpointOptions } from "./azblob-url.js";
export { resolveAzblobCredential, AZBLOB_CREDENTIAL_SOURCES, type AzblobCredential } from "./azblob-credentials.js";
export { classifyAzblobError } from "./azblob-errors.js";

/**
 * `azblob://container[/prefix]`: state in Azure Blob Storage (or Azurite), with Pulumi's URL
 * parameters and environment variables. The SDK is imported only when a URL is opened.
 */
export default defineBackendPlugin({
  meta: { name: "@cairn/backend-azblob", version: "0.1.0" },
  schemes: ["azblob"],
  async open(url, context) {
    const location = parseAzblobUrl(url, context.env);
    const credential = resolveAzblobCredential(location, context.env);
    const { openAzblobStore } = await import("./azblob-store.js");
    return openAzblobStore(location, credential, url.href);
  },
});

/** Opens an `azblob://` URL as a store directly (embedders, tests), with `env` as the environment. */
export async function openAzblobUrl(url: string | URL, env: Readonly<Record<string, string | undefined>> = process.env) {
  const parsed = typeof url === "string" ? new URL(url) : url;
  const location = parseAzblobUrl(parsed, env);
  const { openAzblobStore } = await import("./azblob-store.js");
  return openAzblobStore(location, resolveAzblobCredential(location, env), parsed.href);
}
