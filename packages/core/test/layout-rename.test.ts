import { describe, expect, it } from "vitest";
import type { Deployment } from "../src/index.js";
import { renameStackInDeployment } from "../src/layout/rename-urns.js";

const SIG = "4dabf18193072939515e22adb298388d";
const manifest = { time: "2024-01-01T00:00:00Z", magic: "", version: "" };

describe("renameStackInDeployment", () => {
  const deployment: Deployment = {
    manifest,
    resources: [
      { urn: "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev", custom: false, type: "pulumi:pulumi:Stack" },
      {
        urn: "urn:pulumi:dev::app::pulumi:providers:aws::default",
        custom: true,
        id: "p-1",
        type: "pulumi:providers:aws",
        parent: "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev",
      },
      {
        urn: "urn:pulumi:dev::app::pulumi:pulumi:Stack$aws:s3/bucket:Bucket::b::with::colons",
        custom: true,
        type: "aws:s3/bucket:Bucket",
        provider: "urn:pulumi:dev::app::pulumi:providers:aws::default::p-1",
        dependencies: ["urn:pulumi:dev::app::pulumi:providers:aws::default", "urn:pulumi:prod::app::x:y:Z::other"],
        propertyDependencies: { acl: ["urn:pulumi:dev::app::pulumi:providers:aws::default"] },
        inputs: {
          ref: { [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:dev::app::pulumi:providers:aws::default" },
          secret: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "urn:pulumi:dev::app::opaque" },
          text: "urn:pulumi:dev::app::not-a-field",
        },
      },
    ],
  };

  it("moves every URN field of the old stack to the new stack and project", () => {
    const renamed = renameStackInDeployment(deployment, { oldName: "dev", oldProject: "app", newName: "qa", newProject: "web" });
    const [root, provider, bucket] = renamed.resources as unknown as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    expect(root.urn).toBe("urn:pulumi:qa::web::pulumi:pulumi:Stack::web-qa");
    expect(provider.parent).toBe("urn:pulumi:qa::web::pulumi:pulumi:Stack::web-qa");
    expect(bucket.urn).toBe("urn:pulumi:qa::web::pulumi:pulumi:Stack$aws:s3/bucket:Bucket::b::with::colons");
    expect(bucket.provider).toBe("urn:pulumi:qa::web::pulumi:providers:aws::default::p-1");
    expect(bucket.dependencies).toEqual(["urn:pulumi:qa::web::pulumi:providers:aws::default", "urn:pulumi:prod::app::x:y:Z::other"]);
    expect(bucket.propertyDependencies).toEqual({ acl: ["urn:pulumi:qa::web::pulumi:providers:aws::default"] });
    const inputs = bucket.inputs as Record<string, Record<string, unknown> | string>;
    expect((inputs.ref as Record<string, unknown>).urn).toBe("urn:pulumi:qa::web::pulumi:providers:aws::default");
    expect(inputs.secret).toEqual(deployment.resources![2]!.inputs!.secret); // ciphertext is opaque
    expect(inputs.text).toBe("urn:pulumi:dev::app::not-a-field"); // plain strings are values, not URNs
  });

  it("leaves URNs of another project alone when the old project is known", () => {
    const renamed = renameStackInDeployment(deployment, { oldName: "dev", oldProject: "other", newName: "qa" });
    expect(renamed.resources).toEqual(deployment.resources);
  });
});
