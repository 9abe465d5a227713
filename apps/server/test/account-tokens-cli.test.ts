import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { peer } from "@cairn/test-servers/peers";
import { createUser, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

let fixture: Fixture;
let alice: string;

beforeAll(async () => {
  fixture = await startFixture();
  alice = await createUser(fixture, "alice");
});
afterAll(() => fixture?.dispose());

const { request, signIn, csrf } = webClient(() => fixture.server.url);

let runs = 0;

/**
 * The real Pulumi CLI against this server with `token` in the environment, as a fresh CI job uses
 * one: each run gets its own PULUMI_HOME, because the CLI caches a token's user name in
 * credentials.json and `whoami` then answers from that cache without asking the server.
 */
function pulumiWhoami(token: string): { status: number | null; stdout: string; output: string } {
  const home = join(fixture.root, `pulumi-home-${++runs}`);
  mkdirSync(home, { recursive: true });
  const result = spawnSync(peer("pulumi").pulumi, ["whoami", "--non-interactive"], {
    cwd: fixture.root,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: fixture.root,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: fixture.server.url,
      PULUMI_ACCESS_TOKEN: token,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_CI_DETECTION: "1",
      NO_COLOR: "1",
    },
  });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

it("a token made on the tokens page works for the real Pulumi CLI; after revoking it on the page the CLI is refused", { timeout: 120_000 }, async () => {
  const cookie = await signIn(alice);
  const token = await csrf(cookie);
  const created = await request("POST", "/user/settings/tokens", { cookie, form: { csrf: token, description: "pulumi cli" } });
  const secret = /id="new-token"[^>]*>(pul-[0-9a-f]+)</.exec(created.body)?.[1] as string;
  expect(secret).toBeDefined();

  const ok = pulumiWhoami(secret);
  expect(ok.stdout.trim()).toBe("alice");
  expect(ok.status).toBe(0);

  const id = /id="revoke-([0-9a-f]{16})"[^>]*aria-label="Revoke token pulumi cli/.exec((await request("GET", "/user/settings/tokens", { cookie })).body)?.[1] as string;
  expect(id).toBeDefined();
  expect((await request("POST", "/user/settings/tokens/revoke", { cookie, form: { csrf: token, id } })).status).toBe(303);

  const refused = pulumiWhoami(secret);
  expect(refused.status).not.toBe(0);
  expect(refused.output).toMatch(/401|invalid or has been revoked|Unauthorized/i);
  expect(refused.stdout.trim()).not.toBe("alice");
});
