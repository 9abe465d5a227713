import { afterAll, beforeAll, expect, it } from "vitest";
import { createUser, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

let fixture: Fixture;
let alice: string;

beforeAll(async () => {
  fixture = await startFixture();
  alice = await createUser(fixture, "alice");
  expect((await fixture.call("POST", "/api/orgs", { name: "team" })).status).toBe(200);
  expect((await fixture.call("PUT", "/api/orgs/team/members/alice", { role: "viewer" })).status).toBe(200);
});
afterAll(() => fixture?.dispose());

const { request, signIn, csrf } = webClient(() => fixture.server.url);

it("lists the user's organizations with their role, linking to each and to its members", async () => {
  const page = await request("GET", "/orgs", { cookie: await signIn(alice) });
  expect(page.status).toBe(200);
  expect(page.body).toContain('<a href="/orgs" aria-current="page">');
  expect(page.body).toMatch(/<tr id="org-alice">[\s\S]*?<a href="\/alice">alice<\/a>[\s\S]*?<span class="role">admin<\/span>[\s\S]*?href="\/alice\/settings\/members"/);
  expect(page.body).toMatch(/<tr id="org-team">[\s\S]*?<span class="role">viewer<\/span>/);
  expect(page.body).not.toContain('id="org-admin"');
});

it("creates an organization with the API's name rules: the creator is its admin; reserved, taken and invalid names are refused with the reason", async () => {
  const cookie = await signIn(alice);
  const token = await csrf(cookie);
  const created = await request("POST", "/orgs", { cookie, form: { csrf: token, name: "web-team" } });
  expect(created.status).toBe(303);
  expect(created.location).toBe("/orgs?done=created");
  expect((await request("GET", created.location, { cookie })).body).toMatch(/<tr id="org-web-team">[\s\S]*?<span class="role">admin<\/span>/);
  expect((await fixture.call("POST", "/api/stacks/web-team/app", { stackName: "dev" }, alice)).status).toBe(200);

  for (const [name, status, reason] of [["site-admin", 400, "reserved"], ["team", 409, "already exists"], ["no spaces", 400, "only letters"]] as const) {
    const refused = await request("POST", "/orgs", { cookie, form: { csrf: token, name } });
    expect(refused.status, name).toBe(status);
    expect(refused.body).toMatch(new RegExp(`id="error"[^>]*>[^<]*${reason}`));
    expect(refused.body).toContain(`value="${name}"`);
  }
  expect((await request("POST", "/orgs", { cookie, form: { name: "forged" } })).status).toBe(403);
  const orgs = (await fixture.call("GET", "/api/user", undefined, alice)).body.organizations.map((org: { name: string }) => org.name);
  expect(orgs).toEqual(["alice", "team", "web-team"]);
});
