import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "./stores.js";
import { worldPerTest } from "./world.js";

const open = worldPerTest();

const COMPONENTS = 25;
interface Deployment {
  deployment: { resources?: Array<{ urn: string }> } | null;
}
const resourceCount = (json: string) => (JSON.parse(json) as Deployment).deployment?.resources?.length ?? 0;

describe.each(STORE_NAMES)("pulumi up of N resources over %s, then cairn lists, verifies, migrates", (name) => {
  it(`cairn lists, verifies and migrates what pulumi up made (${COMPONENTS} components), and pulumi keeps updating the copy`, () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "dev"]);
    w.pulumiOk(["config", "set", "--secret", "secretValue", "kept through migration"]);
    const up = JSON.parse(w.drive("up", "dev", { components: COMPONENTS }).stdout) as { summary: { resourceChanges: Record<string, number> } };
    expect(up.summary.resourceChanges).toEqual({ create: 2 * COMPONENTS + 1 });
    const listed = JSON.parse(w.cairnOk(["stack", "ls", "--json"])) as Array<{ name: string; resourceCount: number }>;
    expect(listed).toMatchObject([{ name: "dev", resourceCount: 2 * COMPONENTS + 1 }]);
    // Pulumi writes no hash chain: cairn verifies what there is and says the entries are unchained.
    expect(w.cairnOk(["stack", "verify"])).toMatch(/: OK — 1 history entries verified \(1 written without a chain, e.g. by Pulumi\)/);

    // Migrate to a second store of the same kind as the test's file:// (the migration matrix
    // across kinds is cairn's own suite; this is about Pulumi reading the result).
    const target = join(w.root, "migrated");
    mkdirSync(target);
    w.cairnOk(["stack", "migrate", "--to", `file://${target}`, "--all", "--include-history", "--yes"]);
    const original = w.pulumiOk(["stack", "export", "--show-secrets"]);
    w.pulumiOk(["logout"]);
    w.pulumiOk(["login", `file://${target}`]);
    // The selected stack is kept per backend URL: on the new backend, name it (or select it).
    expect(JSON.parse(w.pulumiOk(["stack", "export", "--show-secrets", "--stack", "dev"]))).toEqual(JSON.parse(original));
    w.pulumiOk(["stack", "select", "dev"]);
    expect(w.pulumiOk(["config", "get", "secretValue"]).trim()).toBe("kept through migration");
    const again = JSON.parse(w.drive("up", "dev", { components: COMPONENTS }).stdout) as { summary: { resourceChanges: Record<string, number> } };
    expect(again.summary.resourceChanges).toEqual({ same: 2 * COMPONENTS + 1 });
  });

  it("the seed's migration recipe, pulumi exporting and cairn importing (and back)", () => {
    const w = open(name);
    w.pulumiOk(["stack", "init", "my-app-production"]);
    w.drive("up", "my-app-production", { components: 3 });
    const checkpoint = join(w.root, "my-app-production.checkpoint.json");
    w.pulumiOk(["stack", "export", "--show-secrets", "--file", checkpoint]);
    w.pulumiOk(["logout"]);
    const elsewhere = join(w.root, "elsewhere");
    mkdirSync(elsewhere);
    w.cairnOk(["login", `file://${elsewhere}`]);
    w.cairnOk(["stack", "init", "my-app-production"]);
    w.cairnOk(["stack", "import", "--file", checkpoint]);
    expect(resourceCount(w.pulumiOk(["stack", "export"]))).toBe(7);
    expect(w.pulumiOk(["stack", "export"])).not.toContain("output-secret-value");
    // and back: cairn exports with secrets, pulumi imports into the first store
    const back = join(w.root, "back.json");
    w.cairnOk(["stack", "export", "--show-secrets", "--file", back]);
    w.pulumiOk(["login", w.store.url]);
    w.pulumiOk(["stack", "rm", "my-app-production", "--yes", "--force"]);
    w.pulumiOk(["stack", "init", "my-app-production"]);
    w.pulumiOk(["stack", "import", "--file", back]);
    expect(resourceCount(w.cairnOk(["stack", "export"]))).toBe(7);
    expect(JSON.parse(w.drive("preview", "my-app-production", { components: 3 }).stdout)).toMatchObject({ changeSummary: { same: 7 } });
  });
});
