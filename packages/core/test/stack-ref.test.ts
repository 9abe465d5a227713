import { describe, expect, it } from "vitest";
import { parseStackRef } from "../src/stack-ref.js";

// Pulumi's DIY ParseReference (pkg/backend/diy/store.go): `stack`, `org/stack`, `org/project/stack`.
describe("parseStackRef", () => {
  it("reads one part as a stack of the working directory's project", () => {
    expect(parseStackRef("dev", "web")).toEqual({ organization: "organization", project: "web", name: "dev" });
  });

  it("reads two parts as <org>/<stack>, never <project>/<stack>", () => {
    expect(parseStackRef("organization/prod", "web")).toEqual({ organization: "organization", project: "web", name: "prod" });
    expect(parseStackRef("acme/prod", "web")).toEqual({ organization: "acme", project: "web", name: "prod" });
  });

  it("reads three parts as fully qualified", () => {
    expect(parseStackRef("organization/api/prod", "web")).toEqual({ organization: "organization", project: "api", name: "prod" });
  });

  it("has no project without three parts or a working directory project", () => {
    expect(parseStackRef("organization/prod")).toEqual({ organization: "organization", name: "prod" });
  });

  it("refuses empty and four-part references", () => {
    expect(() => parseStackRef("")).toThrow(/invalid stack name "": it is empty/);
    expect(() => parseStackRef("a/b/c/d")).toThrow(/invalid stack reference/);
  });
});
