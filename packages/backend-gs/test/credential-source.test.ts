import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openGsStore } from "../src/index.js";

const PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----never-shown-----END PRIVATE KEY-----";
const KEY_JSON = JSON.stringify({ type: "service_account", client_email: "ci@p.iam.gserviceaccount.com", private_key: PRIVATE_KEY });

describe("GsStore.credentialSource names the winning source, never the key", () => {
  it("for each configuration", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cairn-gs-source-"));
    const keyFile = join(dir, "key.json");
    await writeFile(keyFile, KEY_JSON);
    const cases: Array<[string, Record<string, string>, string]> = [
      ["gs://state-bucket/p", { GOOGLE_CREDENTIALS: KEY_JSON, GOOGLE_APPLICATION_CREDENTIALS: keyFile }, "env:GOOGLE_CREDENTIALS"],
      ["gs://state-bucket/p", { GOOGLE_APPLICATION_CREDENTIALS: keyFile }, "env:GOOGLE_APPLICATION_CREDENTIALS"],
      ["gs://state-bucket/p?anonymous=true", { GOOGLE_CREDENTIALS: KEY_JSON }, "anonymous"],
      ["gs://state-bucket/p", {}, "gcp:application-default"],
      ["gs://state-bucket/p?endpoint=http://127.0.0.1:4443", {}, "none (emulator endpoint)"],
      // An explicit key is sent to a custom endpoint, so it is what whoami names.
      ["gs://state-bucket/p?endpoint=http://127.0.0.1:4443", { GOOGLE_CREDENTIALS: KEY_JSON }, "env:GOOGLE_CREDENTIALS"],
    ];
    for (const [url, env, expected] of cases) {
      const store = await openGsStore(new URL(url), env);
      expect({ url, source: store.credentialSource }).toEqual({ url, source: expected });
      expect(store.credentialSource).not.toContain(PRIVATE_KEY);
      expect(store.credentialSource).not.toContain(keyFile);
      await store.close();
    }
  });
});
