import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, expectNotShown, type Sandbox } from "./helpers.js";

/** Issue 14: a secret the user typed into a backend URL never comes back on stdout or stderr. */
const SECRET = "hunter2-Sup3rS3cret";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.dispose());

const noSecret = (result: { stdout: string; stderr: string }) => expectNotShown(result, SECRET);

describe("secrets in backend URLs are redacted in errors", () => {
  it.each([
    [`s3://AKIAEXAMPLE:${SECRET}@my-bucket/state`, /invalid S3 backend URL s3:\/\/\*\*\*@my-bucket\/state: credentials never go in the URL/],
    [`azblob://acct:${SECRET}@my-container`, /invalid azblob URL azblob:\/\/\*\*\*@my-container: credentials never go in the URL/],
    [`s3:///state?secretKey=${SECRET}`, /invalid S3 backend URL s3:\/\/\/state\?secretKey=\*\*\*: the bucket name is missing/],
  ])("cairn login %s", (url, message) => {
    const result = sandbox.run(["login", url]);
    expect(result.status).not.toBe(0);
    noSecret(result);
    expect(result.stderr).toMatch(message);
    // Still says what to do next.
    expect(result.stderr).toMatch(/use /);
    const json = sandbox.run(["login", url, "--json"]);
    noSecret(json);
  });

  it("keeps the scheme, host and path, and hides only the secret parts", () => {
    const result = sandbox.run(["login", `file://user:${SECRET}@localhost${sandbox.state}?token=${SECRET}`]);
    expect(result.status).not.toBe(0);
    noSecret(result);
    expect(result.stderr).toContain(`"file://***@localhost${sandbox.state}?token=***" is not a backend URL`);
    expect(result.stderr).toMatch(/give a URL with a scheme/);
  });
});
