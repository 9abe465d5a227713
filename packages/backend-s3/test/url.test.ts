import { describe, expect, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { parseS3Url, S3_URL_PARAMETERS } from "../src/index.js";

const parse = (text: string) => parseS3Url(new URL(text));

function invalid(text: string): { message: string; hint: string | undefined } {
  try {
    parse(text);
  } catch (error) {
    if (isCairnError(error, "InvalidArgument")) return { message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

describe("parseS3Url: accepted forms", () => {
  it("takes the bucket from the host and the prefix from the path", () => {
    const bare = parse("s3://my-bucket");
    expect(bare.bucket).toBe("my-bucket");
    expect(bare.prefix.objectName(".pulumi/meta.yaml")).toBe(".pulumi/meta.yaml");
    const nested = parse("s3://my-bucket/team-a/state/");
    expect(nested.prefix.objectName(".pulumi/meta.yaml")).toBe("team-a/state/.pulumi/meta.yaml");
    expect(parse("s3://b/with%20space").prefix.objectName("k")).toBe("with space/k");
  });

  it("defaults: signed, virtual-hosted, newest checksums, no region", () => {
    expect(parse("s3://b")).toMatchObject({
      anonymous: false,
      dualstack: false,
      fips: false,
      forcePathStyle: false,
      requestChecksumCalculation: "WHEN_SUPPORTED",
    });
    expect(parse("s3://b").region).toBeUndefined();
    expect(parse("s3://b").endpoint).toBeUndefined();
  });

  it("reads region, profile and role", () => {
    const options = parse("s3://b?region=eu-west-1&profile=ci&role=arn:aws:iam::123456789012:role/state");
    expect(options.region).toBe("eu-west-1");
    expect(options.profile).toBe("ci");
    expect(options.role).toBe("arn:aws:iam::123456789012:role/state");
  });

  it("gives a scheme-less endpoint https://, or http:// when HTTPS is disabled (both spellings)", () => {
    expect(parse("s3://b?endpoint=minio.local:9000").endpoint).toBe("https://minio.local:9000");
    expect(parse("s3://b?endpoint=minio.local:9000&disable_https=true").endpoint).toBe("http://minio.local:9000");
    expect(parse("s3://b?endpoint=minio.local:9000&disableSSL=true").endpoint).toBe("http://minio.local:9000");
    expect(parse("s3://b?endpoint=http://127.0.0.1:4568/").endpoint).toBe("http://127.0.0.1:4568");
  });

  it("defaults request_checksum_calculation to when_required with a custom endpoint, as Pulumi does", () => {
    expect(parse("s3://b?endpoint=x.example").requestChecksumCalculation).toBe("WHEN_REQUIRED");
    expect(parse("s3://b?endpoint=x.example&request_checksum_calculation=when_supported").requestChecksumCalculation).toBe("WHEN_SUPPORTED");
    expect(parse("s3://b?request_checksum_calculation=WHEN_REQUIRED").requestChecksumCalculation).toBe("WHEN_REQUIRED");
  });

  it("reads the boolean switches the way Go's ParseBool does", () => {
    expect(parse("s3://b?anonymous=true&dualstack=1&fips=T").anonymous).toBe(true);
    expect(parse("s3://b?anonymous=true&dualstack=1&fips=T")).toMatchObject({ dualstack: true, fips: true });
    expect(parse("s3://b?use_path_style=true").forcePathStyle).toBe(true);
    expect(parse("s3://b?s3ForcePathStyle=true").forcePathStyle).toBe(true);
    expect(parse("s3://b?hostname_immutable=true").forcePathStyle).toBe(true);
    expect(parse("s3://b?use_path_style=false").forcePathStyle).toBe(false);
  });

  it("accepts rate_limiter_capacity (validated) and awssdk (ignored)", () => {
    expect(parse("s3://b?rate_limiter_capacity=500").rateLimiterCapacity).toBe(500);
    expect(() => parse("s3://b?awssdk=v2")).not.toThrow();
  });

  it("accepts every parameter Pulumi documents", () => {
    expect([...S3_URL_PARAMETERS].sort()).toEqual(
      [
        "anonymous", "awssdk", "disableSSL", "disable_https", "dualstack", "endpoint", "fips", "hostname_immutable", "profile",
        "rate_limiter_capacity", "region", "request_checksum_calculation", "role", "s3ForcePathStyle", "use_path_style",
      ].sort(),
    );
  });
});

describe("parseS3Url: rejected forms", () => {
  it("names the allowed parameters when one is unknown", () => {
    const error = invalid("s3://b?regoin=eu-west-1");
    expect(error.message).toContain('"regoin"');
    expect(error.hint).toContain("region");
    expect(error.hint).toContain("use_path_style");
  });

  it("refuses a missing bucket, a port, credentials in the URL and other schemes", () => {
    expect(invalid("s3:///prefix").hint).toContain("s3://bucket");
    expect(invalid("s3://b:9000/x").message).toContain("endpoint=");
    expect(invalid("s3://AKIA:secret@b").message).toContain("never go in the URL");
    expect(invalid("gs://b").message).toContain("not an s3:// URL");
  });

  it("refuses bad values", () => {
    expect(invalid("s3://b?anonymous=maybe").hint).toContain("true or false");
    expect(invalid("s3://b?endpoint=ftp://x").message).toContain("endpoint=");
    expect(invalid("s3://b?rate_limiter_capacity=-1").message).toContain("rate_limiter_capacity");
    expect(invalid("s3://b?request_checksum_calculation=always").hint).toContain("when_required");
    expect(invalid("s3://b?region=").message).toContain("region is empty");
    expect(invalid("s3://b?region=a&region=b").message).toContain("twice");
  });
});
