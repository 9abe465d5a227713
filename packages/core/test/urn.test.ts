import { describe, expect, it } from "vitest";
import { formatUrn, isProviderUrn, urnParts } from "../src/index.js";

describe("urnParts / formatUrn", () => {
  it("splits a URN at its first three `::`, the name keeping any further ones, the type after the last `$`", () => {
    const urn = "urn:pulumi:dev::my project::a:b:Parent$aws:s3/bucket:Bucket::name::with::colons";
    expect(urnParts(urn)).toEqual({ stack: "dev", project: "my project", qualifiedType: "a:b:Parent$aws:s3/bucket:Bucket", type: "aws:s3/bucket:Bucket", name: "name::with::colons" });
    expect(formatUrn(urnParts(urn)!)).toBe(urn);
  });

  it("is undefined without the prefix, and leaves empty what a short value lacks", () => {
    expect(urnParts("arn:aws:s3:::bucket")).toBeUndefined();
    expect(urnParts("urn:pulumi:dev::proj")).toEqual({ stack: "dev", project: "proj", qualifiedType: "", type: "", name: "" });
  });

  it("tells provider URNs by their type", () => {
    expect(isProviderUrn("urn:pulumi:dev::proj::pulumi:providers:aws::default")).toBe(true);
    expect(isProviderUrn("urn:pulumi:dev::proj::pulumi:providers:::default")).toBe(false);
    expect(isProviderUrn("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b")).toBe(false);
  });
});
