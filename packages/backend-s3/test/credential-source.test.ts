import { describe, expect, it } from "vitest";
import { openS3Store, parseS3Url } from "../src/index.js";

const SECRET = "wJalrXUtnFEMI-secret-never-shown";
const KEYS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLEKEYID", AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: `${SECRET}-session` };
const ROLE = "arn:aws:iam::123456789012:role/deployer";

/** The source `whoami -v` would show for `url` opened with `env`. Opening sends no request. */
async function sourceOf(url: string, env: Record<string, string>): Promise<string> {
  const store = await openS3Store({ ...parseS3Url(new URL(url)), url, env });
  try {
    return store.credentialSource;
  } finally {
    await store.close();
  }
}

describe("S3Store.credentialSource names where the credential came from, never the secret", () => {
  it.each([
    ["static keys in the environment", "s3://b/p?region=us-east-1", KEYS, "env:AWS_ACCESS_KEY_ID"],
    ["?profile= (wins over keys in the environment)", "s3://b/p?region=us-east-1&profile=ci", KEYS, "aws-profile:ci"],
    ["AWS_PROFILE", "s3://b/p?region=us-east-1", { AWS_PROFILE: "staging" }, "aws-profile:staging"],
    ["?role= over static keys", `s3://b/p?region=us-east-1&role=${encodeURIComponent(ROLE)}`, KEYS, `role:${ROLE} via env:AWS_ACCESS_KEY_ID`],
    ["?role= over a profile", `s3://b/p?region=us-east-1&profile=ci&role=${encodeURIComponent(ROLE)}`, KEYS, `role:${ROLE} via aws-profile:ci`],
    ["?anonymous=true (keys present but unused)", "s3://b/p?region=us-east-1&anonymous=true", KEYS, "anonymous"],
    ["nothing configured", "s3://b/p?region=us-east-1", {}, "aws-sdk-default-chain"],
  ])("%s", async (_label, url, env, expected) => {
    const source = await sourceOf(url, env);
    expect(source).toBe(expected);
    expect(source).not.toContain(SECRET);
    expect(source).not.toContain(KEYS.AWS_ACCESS_KEY_ID);
  });
});
