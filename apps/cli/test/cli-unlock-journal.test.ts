import { afterEach, beforeEach, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createStoreBackend, type StackRef } from "@cairn/core";
import { FileStore } from "@cairn/backend-file";
import { createSandbox, SAMPLE_DEPLOYMENT, type Sandbox } from "./helpers.js";

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
  expect(sandbox.run(["login", sandbox.stateUrl]).status).toBe(0);
  expect(sandbox.run(["stack", "init", "dev"]).status).toBe(0);
  expect(sandbox.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]).status).toBe(0);
});
afterEach(() => sandbox.dispose());

it("an update that died mid-way: unlock names its journal and the holder; export replays the acknowledged steps", async () => {
  // An engine updating the stack, whose process then "dies": its lock stays, its steps are journaled.
  const engine = createStoreBackend(new FileStore(sandbox.state, pathToFileURL(sandbox.state).href), { env: {}, hostname: "ci-runner-9", username: "ci" });
  const ref: StackRef = { organization: "organization", project: "demo", name: "dev" };
  const session = await engine.beginUpdate!(ref, "update");
  const resource = { urn: "urn:pulumi:dev::demo::aws:s3/bucketV2:BucketV2::logs", custom: true, type: "aws:s3/bucketV2:BucketV2", id: "logs-1", inputs: {}, outputs: { bucket: "logs-1" } };
  await session.journal({ op: "upsert", resource });

  const shown = sandbox.run(["stack", "unlock"]);
  expect(shown.status).toBe(0);
  expect(shown.stdout).toMatch(/left 1 journaled step\(s\): readers replay them/);
  expect(shown.stdout).toContain("locked by ci@ci-runner-9");
  expect(shown.stdout).toContain("Not removed");

  const exported = JSON.parse(sandbox.run(["stack", "export"]).stdout);
  const urns = exported.deployment.resources.map((r: { urn: string }) => r.urn);
  expect(urns).toContain(resource.urn);
  expect(urns).toHaveLength(JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8")).deployment.resources.length + 1);

  const forced = sandbox.run(["stack", "unlock", "--force", "--json"]);
  expect(JSON.parse(forced.stdout)).toMatchObject({ removed: true, journal: { pendingEntries: 1, replayable: true }, locks: [{ username: "ci", hostname: "ci-runner-9" }] });
  // --force recovered the step into the stack file: nothing is left to replay, and nothing was lost.
  expect(JSON.parse(sandbox.run(["stack", "unlock", "--json"]).stdout)).not.toHaveProperty("journal");
  expect(JSON.parse(sandbox.run(["stack", "export"]).stdout).deployment.resources.map((r: { urn: string }) => r.urn)).toContain(resource.urn);
  await session.cancel().catch(() => {});
});
