import { afterEach, describe, expect, it } from "vitest";
import { checkCliLifecycle, createCliSandbox, type CliSandbox } from "@cairn/test-servers/cli-sandbox";
import { server, serverEnv, serverUrl } from "./helpers.js";

const WRONG_SECRET = "wrong-secret-never-printed";

let current: CliSandbox | undefined;
afterEach(() => current?.dispose());
// No inherited AWS_* settings or ~/.aws files, and no instance-metadata probing.
const open = () => (current = createCliSandbox({ AWS_EC2_METADATA_DISABLED: "true", ...serverEnv }));

describe("cairn CLI over s3://", () => {
  it("logs in, creates, imports, exports, removes a stack and logs out", { timeout: 60_000 }, () => {
    checkCliLifecycle(open(), serverUrl(), { secrets: [server.secretAccessKey], credentialSource: "env:AWS_ACCESS_KEY_ID" });
  });

  it("refuses a missing bucket with NotFound and says to create it or check the name/region", () => {
    const cli = open();
    const result = cli.run(["login", serverUrl("p", "bucket-not-created")]);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("bucket-not-created");
    expect(result.stderr).toContain("create the bucket or check the name/region");
    expect(cli.storedCredentials()).not.toContain("s3://");
  });

  it("refuses an unknown access key as Unauthenticated, naming the credential sources, printing and storing no secret", () => {
    const cli = open();
    const result = cli.run(["login", serverUrl()], { AWS_ACCESS_KEY_ID: "AKIAUNKNOWN", AWS_SECRET_ACCESS_KEY: WRONG_SECRET });
    expect(result.status).toBe(7);
    expect(result.stderr).toContain("AWS_ACCESS_KEY_ID");
    expect(result.stdout + result.stderr).not.toContain(WRONG_SECRET);
    expect(cli.storedCredentials()).not.toContain("s3://");
  });

  it("refuses an unknown URL parameter, listing the accepted ones", () => {
    const cli = open();
    const result = cli.run(["login", `${serverUrl()}&storage_account=x`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown parameter "storage_account"');
    expect(result.stderr).toContain("region, endpoint, profile, role");
    expect(cli.storedCredentials()).not.toContain("s3://");
  });
});
