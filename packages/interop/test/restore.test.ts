import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "./stores.js";
import { worldPerTest, type World } from "./world.js";
import { serviceSuite } from "./service-world.js";

/**
 * `cairn stack restore --version N` read back by the real Pulumi CLI: after cairn restores the
 * state `pulumi up` left at version 1, `pulumi stack export` is that version's deployment,
 * `pulumi stack history` lists the restore as one more `import` update with its message (the
 * updates after version 1 still there), and a `pulumi preview` of version 1's program finds
 * nothing to change — Pulumi's engine takes the restored state as its own.
 */
const open = worldPerTest();
const suite = serviceSuite("file");

const parsed = (json: string) => JSON.parse(json) as unknown;

/** Three `pulumi up`s of 1, 2 and 3 components: versions 1–3, each with a different state. */
function threeUpdates(w: World, stack: string): void {
  for (const components of [1, 2, 3]) {
    const up = w.drive("up", stack, { components });
    expect(up.status, up.stderr).toBe(0);
  }
}

/** What a restore of version 1 must leave, as the real Pulumi CLI sees it. */
function expectPulumiSeesRestore(w: World, stack: string, versionOne: string): void {
  expect(parsed(w.pulumiOk(["stack", "export"]))).toEqual(parsed(versionOne));
  const history = w.pulumiOk(["stack", "history"]);
  const kinds = [...history.matchAll(/UpdateKind: (\S+)/g)].map((match) => match[1]);
  expect(kinds).toEqual(["import", "update", "update", "update"]); // newest first: nothing removed
  expect(history).toMatch(/UpdateKind: import\s+Status: succeeded\s+Message: restore of version 1\n/);
  const preview = w.drive("preview", stack, { components: 1 });
  expect(preview.status, preview.stderr).toBe(0);
  expect(Object.keys((JSON.parse(preview.stdout) as { changeSummary: Record<string, number> }).changeSummary)).toEqual(["same"]);
}

describe.each(STORE_NAMES)("restore over %s, read by pulumi", (name) => {
  it("pulumi exports version 1's deployment after `cairn stack restore --version 1` and lists the restore in its history", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    threeUpdates(w, "dev");
    const versionOne = w.cairnOk(["stack", "export", "--version", "1"]);
    expect(w.cairnOk(["stack", "restore", "--version", "1"])).toMatch(/^Restored stack organization\/interop\/dev to version 1, recorded as version 4/);
    expectPulumiSeesRestore(w, "dev", versionOne);
  });
});

describe("restore on cairn-server, read by pulumi", () => {
  it("pulumi exports its own version 1 after `cairn stack restore --version 1` and lists the restore as update 4", async () => {
    const w = await suite.open({ stack: "dev" });
    const stack = `${w.user}/interop/dev`;
    threeUpdates(w, stack);
    // Pulumi's own export of version 1, from the service API.
    const versionOne = w.pulumiOk(["stack", "export", "--version", "1"]);
    w.cairnOk(["login", w.server.url, "--non-interactive"]);
    const result = JSON.parse(w.cairnOk(["stack", "restore", "--version", "1", "--stack", stack, "--json"])) as { restored: number; version: number };
    expect(result).toMatchObject({ restored: 1, version: 4 });
    expectPulumiSeesRestore(w, stack, versionOne);
    expect(w.pulumiOk(["stack", "history"])).toMatch(/Version: 4\s+UpdateKind: import/);
    expect(parsed(w.pulumiOk(["stack", "export", "--version", "3"]))).not.toEqual(parsed(versionOne)); // version 3 kept as it was
  });
});
