import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { probeConditionalWrites } from "@cairn/core";
import { createCliSandbox, type CliSandbox } from "@cairn/test-servers/cli-sandbox";
import { startS3Server, type S3TestServer } from "@cairn/test-servers/s3";
import { openS3Store, parseS3Url } from "../src/index.js";
import { openTestStore, s3UrlFor } from "./helpers.js";

const BUCKET = "cairn-plain";
/** moto with If-None-Match / If-Match stripped from writes: it accepts them and ignores them, as some S3-compatible stores do. */
let plain: S3TestServer;
beforeAll(async () => {
  plain = await startS3Server({ buckets: [BUCKET], conditionalWrites: false });
}, 60_000);
afterAll(() => plain?.stop());

let cli: CliSandbox | undefined;
afterEach(() => cli?.dispose());
// Only the test server's keys; nothing from this machine's AWS setup, no instance-metadata probing.
// That server has its own key pair.
const plainEnv = () => ({ AWS_ACCESS_KEY_ID: plain.accessKeyId, AWS_SECRET_ACCESS_KEY: plain.secretAccessKey, AWS_REGION: plain.region });
const openCli = () => (cli = createCliSandbox({ AWS_EC2_METADATA_DISABLED: "true", ...plainEnv() }));
const plainUrl = () => s3UrlFor(plain.endpoint, BUCKET);

describe("the login probe over S3", { timeout: 60_000 }, () => {
  it("reports that a store ignoring preconditions does not honour create-only writes", async () => {
    const url = plainUrl();
    const store = await openS3Store({ ...parseS3Url(new URL(url)), url, env: plainEnv() });
    try {
      const probe = await probeConditionalWrites(store);
      expect(probe.honoured).toBe(false);
      expect(probe.reason).toMatch(/accepted a create-only write \(If-None-Match: \*\) over an object that already existed/);
      // The scratch key is removed either way.
      expect((await store.list(".pulumi/")).objects).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("passes on moto, which honours them", async () => {
    const store = await openTestStore();
    try {
      expect(await probeConditionalWrites(store)).toEqual({ honoured: true });
    } finally {
      await store.close();
    }
  });

  it("cairn login refuses a store ignoring preconditions, explaining why and how to opt out, storing nothing", () => {
    const result = openCli().run(["login", plainUrl()]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/refusing to use s3:\/\/cairn-plain\//);
    expect(result.stderr).toContain("ignores preconditions");
    expect(result.stderr).toContain("--allow-unsafe-store");
    expect(result.stdout).toBe("");
    expect(openedCli().storedCredentials()).not.toContain("s3://");
    expect(openedCli().run(["whoami"]).status).not.toBe(0);
  });

  it("with --allow-unsafe-store, login succeeds with a warning and whoami -v shows the opt-in", () => {
    const url = plainUrl();
    const login = openCli().run(["login", url, "--allow-unsafe-store"]);
    expect(login.status).toBe(0);
    expect(login.stderr).toMatch(/^warning: .*ignores preconditions.*locks will not exclude concurrent writers/);
    expect((JSON.parse(openedCli().storedCredentials()) as { current?: string }).current).toBe(url);
    const whoami = openedCli().run(["whoami", "-v"]);
    expect(whoami.status).toBe(0);
    expect(whoami.stdout).toContain("Unsafe store: allowed (cairn login --allow-unsafe-store)");
    expect(whoami.stdout).toContain("Credential source: env:AWS_ACCESS_KEY_ID");
    expect(JSON.parse(openedCli().run(["whoami", "-v", "--json"]).stdout)).toMatchObject({ unsafeStoreAllowed: true });
  });
});

function openedCli(): CliSandbox {
  if (cli === undefined) throw new Error("no CLI sandbox open");
  return cli;
}
