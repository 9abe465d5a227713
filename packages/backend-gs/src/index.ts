import { defineBackendPlugin } from "@cairn/core/driver";
import { resolveGsAuth } from "./gs-credentials.js";
import { parseGsUrl, withEmulatorHost } from "./gs-url.js";

export { parseGsUrl, GS_URL_PARAMETERS, type GsLocation } from "./gs-url.js";
export { resolveGsAuth, GS_CREDENTIAL_SOURCES, type GsAuth } from "./gs-credentials.js";
export { classifyGsError } from "./gs-errors.js";
export type { GsStore } from "./gs-store.js";

/** Opens a `gs://` URL as a store. The SDK is loaded here, only when a gs:// URL is used. */
export async function openGsStore(url: URL, env: Readonly<Record<string, string | undefined>>) {
  const location = withEmulatorHost(parseGsUrl(url), env);
  const auth = resolveGsAuth(location, env);
  const { GsStore } = await import("./gs-store.js");
  return new GsStore(url.href, location, auth);
}

/** `gs://bucket[/prefix]`: state in Google Cloud Storage, locked by generation preconditions. */
export default defineBackendPlugin({
  meta: { name: "@cairn/backend-gs", version: "0.1.0" },
  schemes: ["gs"],
  open: (url, context) => openGsStore(url, context.env),
});
