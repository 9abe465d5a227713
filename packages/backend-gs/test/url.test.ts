import { describe, expect, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { GS_URL_PARAMETERS, parseGsUrl } from "../src/index.js";

const parse = (text: string) => parseGsUrl(new URL(text));

function expectInvalid(text: string, pattern: RegExp): void {
  try {
    parse(text);
  } catch (error) {
    expect(isCairnError(error, "InvalidArgument")).toBe(true);
    expect(`${(error as Error).message} ${(error as { hint?: string }).hint ?? ""}`).toMatch(pattern);
    return;
  }
  throw new Error(`${text} was accepted`);
}

describe("gs:// URLs", () => {
  it("takes the bucket from the host and no prefix from an empty path", () => {
    const location = parse("gs://my-bucket");
    expect(location).toMatchObject({ bucket: "my-bucket", anonymous: false });
    expect(location.prefix.prefix).toBe("");
    expect(location.endpoint).toBeUndefined();
    expect(parse("gs://my-bucket/").prefix.prefix).toBe("");
  });

  it("keeps state under the path prefix, decoded", () => {
    expect(parse("gs://b-1/team/a").prefix.objectName(".pulumi/meta.yaml")).toBe("team/a/.pulumi/meta.yaml");
    expect(parse("gs://b-1/with%20space/").prefix.prefix).toBe("with space/");
  });

  it("accepts bucket names with dots and underscores", () => {
    expect(parse("gs://my.example.com").bucket).toBe("my.example.com");
    expect(parse("gs://a_b").bucket).toBe("a_b");
  });

  it("accepts Pulumi's parameters", () => {
    expect(parse("gs://b-1?anonymous=true").anonymous).toBe(true);
    expect(parse("gs://b-1?anonymous=0").anonymous).toBe(false);
    expect(parse("gs://b-1?access_id=sa@p.iam.gserviceaccount.com&private_key_path=/k.pem")).toMatchObject({
      accessId: "sa@p.iam.gserviceaccount.com",
      privateKeyPath: "/k.pem",
    });
  });

  it("accepts cairn's endpoint parameter, reduced to its origin", () => {
    expect(parse("gs://b-1?endpoint=http://127.0.0.1:4443").endpoint).toBe("http://127.0.0.1:4443");
    expect(parse("gs://b-1?endpoint=https://storage.example.com/").endpoint).toBe("https://storage.example.com");
  });

  it("refuses an unknown parameter, naming the accepted ones", () => {
    expectInvalid("gs://b-1?region=eu", new RegExp(`region.*${GS_URL_PARAMETERS.join(", ")}`));
  });

  it("refuses bad values and bad buckets with the accepted form", () => {
    expectInvalid("gs://b-1?anonymous=maybe", /not a boolean/);
    expectInvalid("gs://b-1?endpoint=ftp://x", /http:\/\/ or https:\/\//);
    expectInvalid("gs://b-1?endpoint=nope", /not a URL/);
    expectInvalid("gs://UPPER", /not a valid bucket name.*gs:\/\/bucket/);
    expectInvalid("gs://ab", /not a valid bucket name/);
    expectInvalid("gs://-bad", /not a valid bucket name/);
    expectInvalid("gs://b-1:80", /port/);
    expectInvalid("gs://user:secret@b-1", /credentials never go in the URL/);
    expectInvalid("s3://b-1", /not a gs:\/\/ URL/);
    expectInvalid("gs://b-1?anonymous=true&anonymous=false", /twice/);
  });

  it("never echoes a password given in the URL", () => {
    try {
      parse("gs://user:hunter2@b-1");
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("hunter2");
    }
  });
});
