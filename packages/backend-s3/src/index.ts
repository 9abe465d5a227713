import { defineBackendPlugin } from "@cairn/core/driver";
import { parseS3Url } from "./s3-url.js";

export { parseS3Url, S3_URL_PARAMETERS, type S3UrlOptions, type ChecksumCalculation } from "./s3-url.js";
export { classifyS3Error, CREDENTIAL_SOURCES_HINT } from "./s3-errors.js";
// Types only: importing this module must not load the AWS SDK (`cairn whoami` on file:// never needs it).
export type { S3Store, S3StoreOptions } from "./s3-store.js";

/** Opens an S3 store; the SDK is imported here, on first use, not when the plugin is loaded. */
export async function openS3Store(options: import("./s3-store.js").S3StoreOptions): Promise<import("./s3-store.js").S3Store> {
  // The SDK warns on every process that releases after January 2027 will need Node 22. cairn
  // states its own platform support; that notice on stderr of every command would bury cairn's
  // output and break scripts that treat stderr as errors. A user who sets the variable wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { S3Store } = await import("./s3-store.js");
  return new S3Store(options);
}

/** `s3://bucket[/prefix]` URLs: Amazon S3 and S3-compatible services, locked by conditional writes. */
export default defineBackendPlugin({
  meta: { name: "@cairn/backend-s3", version: "0.1.0" },
  schemes: ["s3"],
  async open(url, context) {
    const options = parseS3Url(url);
    return openS3Store({ ...options, url: url.href, env: context.env });
  },
});
