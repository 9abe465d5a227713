import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from "@cairn/test-servers/azurite";
import { inject } from "vitest";

export type StoreName = "file" | "s3" | "azblob" | "gs";
export const STORE_NAMES: readonly StoreName[] = ["file", "s3", "azblob", "gs"];

/**
 * A backend URL both tools accept, with the environment both need to reach it: the same
 * credentials and emulator settings Pulumi (gocloud) reads, which cairn must read too.
 */
export interface StoreUnderTest {
  /** A self-managed store, or `service`: a cairn-server the world logs in to. */
  name: StoreName | "service";
  url: string;
  env: Record<string, string>;
}

const BUCKET = "interop";

/** A fresh, empty place in the named store (a new directory, or a new prefix of the shared bucket). */
export function storeUnderTest(name: StoreName, scratch: string): StoreUnderTest {
  const prefix = `t-${randomBytes(6).toString("hex")}`;
  switch (name) {
    case "file": {
      const directory = join(scratch, "state");
      mkdirSync(directory, { recursive: true });
      return { name, url: `file://${directory}`, env: {} };
    }
    case "s3": {
      const s3 = inject("interopS3");
      return {
        name,
        url: `s3://${BUCKET}/${prefix}?endpoint=${encodeURIComponent(s3.endpoint)}&use_path_style=true&region=${s3.region}`,
        env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region },
      };
    }
    case "azblob": {
      const { host } = inject("interopAzurite");
      return {
        name,
        url: `azblob://${BUCKET}/${prefix}?localemu=true&domain=${host}&protocol=http`,
        env: { AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT_NAME, AZURE_STORAGE_KEY: AZURITE_ACCOUNT_KEY },
      };
    }
    case "gs": {
      // Pulumi's gcsblob takes no endpoint parameter: the Go SDK (and cairn) read STORAGE_EMULATOR_HOST.
      // Pulumi insists on a credential even then; an OAuth token is the one both tools read from the environment.
      const { endpoint } = inject("interopGcs");
      return {
        name,
        url: `gs://${BUCKET}/${prefix}`,
        env: { STORAGE_EMULATOR_HOST: endpoint.replace(/^https?:\/\//, ""), GOOGLE_OAUTH_ACCESS_TOKEN: "interop-emulator-token" },
      };
    }
  }
}
