import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { api } from "@cairn/server/testing";
import { createCliUser } from "./cli-runner.js";
import { ok, pulumiFor } from "./pulumi-peer.js";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

// On a service, `cairn stack ls` names stacks as `pulumi stack ls` does for the same server and
// the same PULUMI_HOME: the bare name in the current project and default organization, `org/name`
// in the current project under another organization, `org/project/name` elsewhere — never the
// self-managed placeholder `organization/…`. The selection cairn writes is the one pulumi reads.

let fixture: ServerFixture;
beforeAll(async () => {
  fixture = await startServerFixture();
  expect((await api(fixture.server.url, "POST", "/api/orgs", fixture.server.adminToken, { name: "acme" })).status).toBe(200);
});
afterAll(() => fixture?.dispose());

interface Listed {
  name: string;
  current: boolean;
}

it("`cairn stack ls` (table and --json, one project or --all) names stacks as `pulumi stack ls` does, before and after `org set-default`", () => {
  const cli = createCliUser(fixture.root, "names");
  const pulumi = pulumiFor(cli, fixture.root, fixture.server.adminToken);
  const other = join(fixture.root, "names-other-project");
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, "Pulumi.yaml"), "name: other\nruntime: nodejs\n");
  ok(pulumi(["login", fixture.server.url]), "pulumi login");

  // demo/dev and demo/prod in the user's own organization, one in another project, two under acme.
  for (const [name, cwd] of [
    ["prod", cli.project],
    ["acme/staging", cli.project],
    ["acme/other/qa", cli.project],
    ["zeta", other],
    ["dev", cli.project], // last: the selected stack of demo
  ] as const) {
    const created = cli.run(["stack", "init", name, "--non-interactive"], {}, { cwd });
    ok(created, `cairn stack init ${name}`);
    expect(created.stdout).not.toContain("organization/");
  }

  const compare = (where: string) => {
    for (const flags of [[], ["--all"]]) {
      const fromPulumi = JSON.parse(ok(pulumi(["stack", "ls", "--json", ...flags], { cwd: where }), "pulumi stack ls --json")) as Listed[];
      const fromCairn = JSON.parse(ok(cli.run(["stack", "ls", "--json", ...flags], {}, { cwd: where }), "cairn stack ls --json")) as Listed[];
      expect(fromCairn.map(({ name, current }) => ({ name, current }))).toEqual(fromPulumi.map(({ name, current }) => ({ name, current })));
      // The table's NAME column (with `*` on the current stack) too.
      expect(nameColumn(ok(cli.run(["stack", "ls", ...flags], {}, { cwd: where }), "cairn stack ls"))).toEqual(nameColumn(ok(pulumi(["stack", "ls", ...flags], { cwd: where }), "pulumi stack ls")));
    }
  };

  compare(cli.project);
  // What these names are, so an agreement on something else would not pass unnoticed.
  expect(nameColumn(ok(cli.run(["stack", "ls", "--all"]), "cairn stack ls --all"))).toEqual(["acme/other/qa", "acme/staging", "admin/other/zeta", "dev*", "prod"]);
  compare(other);

  // Another default organization flips which stacks are short; both CLIs read it from config.json.
  ok(cli.run(["org", "set-default", "acme"]), "cairn org set-default");
  compare(cli.project);
  expect(nameColumn(ok(cli.run(["stack", "ls", "--all"]), "cairn stack ls --all"))).toEqual(["acme/other/qa", "admin/dev*", "admin/other/zeta", "admin/prod", "staging"]);
});

/** The first column of a `stack ls` table, header dropped. */
function nameColumn(table: string): string[] {
  return table
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(/\s+/)[0] ?? "");
}
