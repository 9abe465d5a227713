import { describe, expect, it } from "vitest";
import { redactUrl, redactUrlsIn } from "../src/driver.js";

describe("redactUrl", () => {
  it.each([
    ["s3://AKIA:hunter2@bucket/state?region=eu-west-1", "s3://***@bucket/state?region=eu-west-1"],
    ["azblob://container?storage_account=acct&sig=hunter2&sas=hunter2", "azblob://container?storage_account=acct&sig=***&sas=***"],
    ["s3://bucket?accessKey=AKIA&secretKey=hunter2&token=t&password=p&key=k&credential=c", "s3://bucket?accessKey=***&secretKey=***&token=***&password=***&key=***&credential=***"],
    ["file://user:p%40ss@localhost/tmp/state", "file://***@localhost/tmp/state"],
    ["https://u:p@w@api.example.com:8443/path#frag", "https://***@api.example.com:8443/path#frag"],
    // A URL as a parameter's value is redacted too (issue 14: an S3 endpoint typed with credentials).
    ["s3://bucket?endpoint=http://AKIA:hunter2@127.0.0.1:9000&region=us-east-1", "s3://bucket?endpoint=http://***@127.0.0.1:9000&region=us-east-1"],
  ])("%s", (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it("returns a URL without secrets unchanged, byte for byte", () => {
    for (const url of ["file://~", "file:///tmp/a%20b", "s3://bucket/p?region=us-east-1&endpoint=localhost:9000", "gs://b?private_key_path=/k.json", "not a url"]) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});

describe("redactUrlsIn", () => {
  it("redacts every URL in a message and keeps the punctuation around it", () => {
    expect(redactUrlsIn(`invalid URL s3://a:hunter2@b/p?sig=hunter2: bucket missing; see "azblob://x:hunter2@c".`)).toBe(
      `invalid URL s3://***@b/p?sig=***: bucket missing; see "azblob://***@c".`,
    );
  });
});
