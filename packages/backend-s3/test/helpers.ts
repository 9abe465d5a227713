import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { openS3Store, parseS3Url, type S3Store } from "../src/index.js";

/** The test server, from global-setup. */
export const server = inject("s3");

/** Credentials for the test server, as environment variables (what a user sets). */
export const serverEnv = {
  AWS_ACCESS_KEY_ID: server.accessKeyId,
  AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
  AWS_REGION: server.region,
};

/** An s3:// URL for the test server; `prefix` defaults to a fresh one. */
export function serverUrl(prefix = `t-${randomUUID()}`, bucket = server.bucket, extra = ""): string {
  return s3UrlFor(server.endpoint, bucket, prefix, extra);
}

/** An s3:// URL for an S3 test server at `endpoint` (`http://host:port`), path-style over plain HTTP. */
export function s3UrlFor(endpoint: string, bucket: string, prefix = `t-${randomUUID()}`, extra = ""): string {
  return `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint.replace(/^http:\/\//, ""))}&disable_https=true&use_path_style=true${extra}`;
}

/** Opens a store on the test server exactly as the plugin would, with the server's credentials in `env`. */
export async function openTestStore(url = serverUrl(), env: Record<string, string> = serverEnv): Promise<S3Store> {
  return openS3Store({ ...parseS3Url(new URL(url)), url, env });
}
