import { describe, expect, it } from "vitest";
import { formatJson, parseVersionedCheckpoint, validateDeployment } from "../src/index.js";
import { fixtureDeployment, fixtureText } from "./layout-test-helpers.js";
import { cairnErrorThrownBy } from "./cairn-error.js";

function v3Deployment(): { version: number; deployment: { manifest: unknown; resources: Array<Record<string, unknown>> } } {
  return structuredClone(fixtureDeployment("checkpoint-v3.json")) as never;
}

describe("validateDeployment", () => {
  it("accepts the v3, v4 and secrets fixtures unchanged", () => {
    for (const name of ["checkpoint-v3.json", "checkpoint-v4.json", "checkpoint-secrets.json"]) {
      const document = fixtureDeployment(name);
      expect(validateDeployment(document)).toEqual(document);
    }
  });

  it("names a mistyped field by its JSON path", () => {
    const document = v3Deployment();
    (document.deployment.resources[3] as Record<string, unknown>).urn = 42;
    const error = cairnErrorThrownBy(() => validateDeployment(document));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toContain("deployment.resources[3].urn: must be string");
  });

  it("names a missing required field", () => {
    const document = v3Deployment();
    delete (document.deployment.resources[1] as Record<string, unknown>).type;
    expect(cairnErrorThrownBy(() => validateDeployment(document)).message).toContain("deployment.resources[1].type: is required");
  });

  it("refuses an unknown top-level field on a version 3 document", () => {
    const error = cairnErrorThrownBy(() => validateDeployment({ ...v3Deployment(), extra: true }));
    expect(error.message).toContain("extra");
  });

  it("refuses a version newer than 4 with a clear message", () => {
    const error = cairnErrorThrownBy(() => validateDeployment({ version: 5, deployment: {} }));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toMatch(/version 5 is newer than this cairn understands/);
    expect(error.hint).toMatch(/upgrade cairn/);
  });

  it("refuses a version 4 feature cairn does not support, naming it", () => {
    const error = cairnErrorThrownBy(() => validateDeployment(fixtureDeployment("checkpoint-v4-unsupported-feature.json")));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toContain('features[0]: the deployment requires feature "unsupported-feature"');
  });

  it("checks a version 4 body like a version 3 one", () => {
    const document = structuredClone(fixtureDeployment("checkpoint-v4.json")) as { deployment: { resources: Array<Record<string, unknown>> } };
    document.deployment.resources[0]!.custom = "yes";
    expect(cairnErrorThrownBy(() => validateDeployment(document)).message).toContain("deployment.resources[0].custom: must be boolean");
  });

  it("refuses duplicate URNs, except for resources pending deletion", () => {
    const document = v3Deployment();
    document.deployment.resources.push({ ...document.deployment.resources[2]! });
    expect(cairnErrorThrownBy(() => validateDeployment(document)).message).toMatch(/deployment\.resources\[\d+\]\.urn: duplicate URN/);
    document.deployment.resources.at(-1)!.delete = true;
    expect(() => validateDeployment(document)).not.toThrow();
  });

  it("migrates a version 1 deployment to version 3", () => {
    const v1 = JSON.parse(fixtureText("checkpoint-v1.json")) as { checkpoint: { latest: Record<string, unknown> } };
    const migrated = validateDeployment({ version: 1, deployment: v1.checkpoint.latest });
    const v3 = fixtureDeployment("checkpoint-v3.json") as { deployment: Record<string, unknown> };
    delete v3.deployment.secrets_providers; // v1 state predates secrets providers
    expect(migrated.version).toBe(3);
    expect(formatJson(migrated.deployment)).toBe(formatJson(v3.deployment));
  });
});

describe("parseVersionedCheckpoint", () => {
  it("reads a v1 stack file as the v3 checkpoint Pulumi's migration produces", () => {
    const parsed = parseVersionedCheckpoint(fixtureText("checkpoint-v1.json"));
    const v3 = JSON.parse(fixtureText("checkpoint-v3.json")) as { checkpoint: { latest: Record<string, unknown> } };
    delete v3.checkpoint.latest.secrets_providers;
    expect(parsed.version).toBe(3);
    // Go ignores the v1 file's `target`: the stack comes out empty, exactly as in the v3 fixture.
    expect(parsed.checkpoint.stack).toBe("");
    expect(formatJson(parsed.checkpoint.latest)).toBe(formatJson(v3.checkpoint.latest));
  });

  it("keeps version 4 with its features and refuses unsupported ones", () => {
    const parsed = parseVersionedCheckpoint(fixtureText("checkpoint-v4.json"));
    expect(parsed.version).toBe(4);
    expect(parsed.features).toEqual(["refreshBeforeUpdate"]);
    const error = cairnErrorThrownBy(() => parseVersionedCheckpoint(fixtureText("checkpoint-v4-unsupported-feature.json")));
    expect(error.message).toContain("unsupported-feature");
  });

  it("reads version 0 (a new stack as Pulumi writes it) as an empty checkpoint and refuses version 5", () => {
    expect(parseVersionedCheckpoint('{"version":0,"checkpoint":{"stack":"organization/p/dev"}}')).toEqual({ version: 3, checkpoint: { stack: "" } });
    expect(cairnErrorThrownBy(() => parseVersionedCheckpoint('{"version":5,"checkpoint":{}}')).code).toBe("InvalidArgument");
  });
});
