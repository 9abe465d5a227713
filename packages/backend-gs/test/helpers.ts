import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { openGsStore } from "../src/index.js";

export const TEST_BUCKET = "cairn-test";
// Belt and braces with global-setup: the auth library must never look for a metadata server.
process.env.METADATA_SERVER_DETECTION = "none";

/** A gs:// URL on the test server, under a fresh prefix unless one is given. */
export function testUrl(prefix = `t-${randomUUID()}`, endpoint = inject("gcsEndpoint"), bucket = TEST_BUCKET): URL {
  return new URL(`gs://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}`);
}

/** No credentials from this machine leak into the tests. */
export const CLEAN_ENV: Record<string, string | undefined> = { METADATA_SERVER_DETECTION: "none" };

export const openTestStore = (url = testUrl()) => openGsStore(url, CLEAN_ENV);
