import { afterAll, describe, expect, it, inject } from "vitest";
import { checkCliLifecycle, createCliSandbox } from "@cairn/test-servers/cli-sandbox";
import { testUrl } from "./helpers.js";

// Nothing from this machine's GCP setup; the auth library never probes the metadata server.
const cli = createCliSandbox({ METADATA_SERVER_DETECTION: "none" });
afterAll(() => cli.dispose());
const cairn = (args: string[], env: Record<string, string> = {}) => cli.run(args, env);
const storedCredentials = () => cli.storedCredentials();

describe("cairn CLI on gs://", { timeout: 30_000 }, () => {
  it("logs in, inits, lists, imports, exports, removes and logs out", { timeout: 60_000 }, () => {
    checkCliLifecycle(cli, testUrl(`cli-${Date.now()}`).href, { credentialSource: "none (emulator endpoint)" });
  });

  it("a missing bucket fails login with a hint to create it, storing nothing", () => {
    const url = testUrl("p", inject("gcsEndpoint"), "no-such-bucket").href;
    const result = cairn(["login", url]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/no-such-bucket does not exist/);
    expect(result.stderr).toMatch(/gcloud storage buckets create gs:\/\/no-such-bucket/);
    expect(storedCredentials()).not.toContain("no-such-bucket");
  });

  it("refused credentials fail login naming the credential sources, storing nothing", () => {
    const url = testUrl("p", inject("gcsAuthEndpoint")).href;
    const result = cairn(["login", url]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/);
    expect(storedCredentials()).not.toContain(inject("gcsAuthEndpoint").replace(/.*:/, ""));
  });

  it("malformed GOOGLE_CREDENTIALS fail without echoing them", () => {
    const result = cairn(["login", testUrl("p").href], { GOOGLE_CREDENTIALS: "secret-not-json" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/GOOGLE_CREDENTIALS is set but is not a JSON key/);
    expect(result.stderr + result.stdout).not.toContain("secret-not-json");
  });

  it("an unknown URL parameter fails, listing the accepted ones", () => {
    const result = cairn(["login", "gs://cairn-test/p?region=us"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/region/);
    expect(result.stderr).toMatch(/anonymous, access_id, private_key_path, endpoint/);
    expect(storedCredentials()).not.toContain("region=us");
  });
});
