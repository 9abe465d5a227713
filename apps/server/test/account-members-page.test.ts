import { afterAll, beforeAll, expect, it } from "vitest";
import { createUser, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

let fixture: Fixture;
const tokens: Record<string, string> = {};
const MEMBERS = "/team/settings/members";

beforeAll(async () => {
  fixture = await startFixture();
  for (const name of ["ada", "max", "vera", "olga", "pat"]) tokens[name] = await createUser(fixture, name);
  // team: the bootstrap site admin made it (and is its admin); ada is a second admin.
  expect((await fixture.call("POST", "/api/orgs", { name: "team" })).status).toBe(200);
  for (const [user, role] of [["ada", "admin"], ["max", "member"], ["vera", "viewer"]]) {
    expect((await fixture.call("PUT", `/api/orgs/team/members/${user}`, { role })).status).toBe(200);
  }
  // solo: ada is its only admin.
  expect((await fixture.call("POST", "/api/orgs", { name: "solo" }, tokens.ada)).status).toBe(200);
});
afterAll(() => fixture?.dispose());

const { request, signIn, csrf } = webClient(() => fixture.server.url);

/** The role the members page shows for `user` (an admin's select, or the read-only text). */
function roleShown(body: string, user: string): string | undefined {
  const select = new RegExp(`<select id="role-${user}" name="role">[\\s\\S]*?<option value="(\\w+)" selected>`).exec(body)?.[1];
  return select ?? new RegExp(`<span class="role" id="role-of-${user}">(\\w+)</span>`).exec(body)?.[1];
}

async function asAdmin(path: string): Promise<string> {
  return (await request("GET", path, { cookie: await signIn(fixture.server.adminToken) })).body;
}

/** Whether `token`'s user may write in team (a member's right): the API's answer, not the page's. */
async function canCreateStack(token: string, name: string): Promise<number> {
  return (await fixture.call("POST", "/api/stacks/team/app", { stackName: name }, token)).status;
}

it("every member sees the members and roles; a non-member gets 404 like the API; signed out goes to sign in", async () => {
  for (const user of ["ada", "max", "vera"]) {
    const page = await request("GET", MEMBERS, { cookie: await signIn(tokens[user] as string) });
    expect(page.status, user).toBe(200);
    expect(page.body).toContain('<span id="org">team</span>');
    for (const [member, role] of [["admin", "admin"], ["ada", "admin"], ["max", "member"], ["vera", "viewer"]]) expect(roleShown(page.body, member as string), `${user} sees ${member}`).toBe(role);
  }
  const outsider = await request("GET", MEMBERS, { cookie: await signIn(tokens.olga as string) });
  expect(outsider.status).toBe(404);
  expect(outsider.body).not.toContain("vera");
  expect((await fixture.call("GET", "/api/user/stacks?organization=team", undefined, tokens.olga)).status).toBe(404);
  expect((await request("GET", MEMBERS)).location).toBe("/login?next=%2Fteam%2Fsettings%2Fmembers");
  // A site admin sees any organization that exists (as a site admin), and none that does not, nor adds members to it.
  const admin = await signIn(fixture.server.adminToken);
  expect((await request("GET", "/solo/settings/members", { cookie: admin })).body).toContain('<strong id="your-role">admin</strong> (as a site admin)');
  expect((await request("GET", "/nothing-here/settings/members", { cookie: admin })).status).toBe(404);
  expect((await fixture.call("PUT", "/api/orgs/nothing-here/members/ada", { role: "admin" })).status).toBe(404);
  expect((await request("GET", "/nothing-here/settings/members", { cookie: admin })).status).toBe(404);
});

it("a viewer and a member get the list read-only, and posting the forms anyway is 403 with nothing changed", async () => {
  for (const user of ["vera", "max"]) {
    const cookie = await signIn(tokens[user] as string);
    const page = await request("GET", MEMBERS, { cookie });
    expect(page.body).not.toContain('<select id="role-');
    expect(page.body).not.toContain('id="add-member"');
    expect(page.body).not.toContain('id="remove-');
    const token = await csrf(cookie);
    expect((await request("POST", `${MEMBERS}/role`, { cookie, form: { csrf: token, user: "vera", role: "admin" } })).status, user).toBe(403);
    expect((await request("POST", `${MEMBERS}/role`, { cookie, form: { csrf: token, user, role: "admin" } })).status, user).toBe(403);
    expect((await request("POST", `${MEMBERS}/add`, { cookie, form: { csrf: token, user: "olga", role: "admin" } })).status, user).toBe(403);
    expect((await request("POST", `${MEMBERS}/remove`, { cookie, form: { csrf: token, user: "ada" } })).status, user).toBe(403);
  }
  const after = await asAdmin(MEMBERS);
  expect([roleShown(after, "vera"), roleShown(after, "max"), roleShown(after, "ada"), roleShown(after, "olga")]).toEqual(["viewer", "member", "admin", undefined]);
  expect(await canCreateStack(tokens.vera as string, "by-vera")).toBe(403);
  expect((await fixture.call("GET", "/api/user/stacks?organization=team", undefined, tokens.olga)).status).toBe(404);
});

it("an org admin (not a site admin) changes a role, adds and removes a member; the API agrees", async () => {
  const cookie = await signIn(tokens.ada as string);
  const page = await request("GET", MEMBERS, { cookie });
  expect(page.body).toContain('id="change-role-vera"');
  const token = await csrf(cookie);
  expect(await canCreateStack(tokens.vera as string, "vera-before")).toBe(403);
  const changed = await request("POST", `${MEMBERS}/role`, { cookie, form: { csrf: token, user: "vera", role: "member" } });
  expect(changed.status).toBe(303);
  expect(changed.location).toBe(`${MEMBERS}?done=role`);
  expect((await request("GET", changed.location, { cookie })).body).toContain("Role changed.");
  expect(await canCreateStack(tokens.vera as string, "vera-after")).toBe(200);

  const added = await request("POST", `${MEMBERS}/add`, { cookie, form: { csrf: token, user: "olga", role: "viewer" } });
  expect(added.status).toBe(303);
  expect((await fixture.call("GET", "/api/user/stacks?organization=team", undefined, tokens.olga)).status).toBe(200);
  expect(await canCreateStack(tokens.olga as string, "olga")).toBe(403);
  // Adding someone already there, or nobody, is a message on the page and changes nothing.
  const again = await request("POST", `${MEMBERS}/add`, { cookie, form: { csrf: token, user: "olga", role: "admin" } });
  expect(again.status).toBe(409);
  expect(again.body).toContain("already a viewer");
  const nobody = await request("POST", `${MEMBERS}/add`, { cookie, form: { csrf: token, user: "nobody", role: "admin" } });
  expect(nobody.status).toBe(400);
  expect(nobody.body).toMatch(/id="error"[^>]*>there is no user nobody/);
  expect((await request("POST", `${MEMBERS}/add`, { cookie, form: { csrf: token, user: "../users/x", role: "admin" } })).status).toBe(400);
  expect((await request("POST", `${MEMBERS}/role`, { cookie, form: { csrf: token, user: "olga", role: "owner" } })).status).toBe(400);
  expect(roleShown(await asAdmin(MEMBERS), "olga")).toBe("viewer");

  const removed = await request("POST", `${MEMBERS}/remove`, { cookie, form: { csrf: token, user: "olga" } });
  expect(removed.status).toBe(303);
  expect((await fixture.call("GET", "/api/user/stacks?organization=team", undefined, tokens.olga)).status).toBe(404);
});

it("without the anti-forgery token every members form is 403 and changes nothing", async () => {
  const cookie = await signIn(tokens.ada as string);
  expect((await request("POST", `${MEMBERS}/role`, { cookie, form: { user: "max", role: "viewer" } })).status).toBe(403);
  expect((await request("POST", `${MEMBERS}/add`, { cookie, form: { user: "pat", role: "admin" } })).status).toBe(403);
  expect((await request("POST", `${MEMBERS}/remove`, { cookie, form: { csrf: "forged", user: "max" } })).status).toBe(403);
  const after = await asAdmin(MEMBERS);
  expect([roleShown(after, "max"), roleShown(after, "pat")]).toEqual(["member", undefined]);
});

it("the last admin of an organization can be neither demoted nor removed, on the page", async () => {
  const cookie = await signIn(tokens.ada as string);
  const token = await csrf(cookie);
  const demoted = await request("POST", "/solo/settings/members/role", { cookie, form: { csrf: token, user: "ada", role: "member" } });
  expect(demoted.status).toBe(409);
  expect(demoted.body).toMatch(/id="error"[^>]*>ada is the last admin of solo/);
  expect(demoted.body).toContain("make another member an admin first");
  const removed = await request("POST", "/solo/settings/members/remove", { cookie, form: { csrf: token, user: "ada" } });
  expect(removed.status).toBe(409);
  expect(roleShown((await request("GET", "/solo/settings/members", { cookie })).body, "ada")).toBe("admin");
});

it("the API follows the same rules: the last admin stays, even for a site admin; with a second admin the first may step down", async () => {
  for (const token of [tokens.ada, fixture.server.adminToken]) {
    const put = await fixture.call("PUT", "/api/orgs/solo/members/ada", { role: "viewer" }, token);
    expect(put.status).toBe(409);
    expect(put.body.message).toContain("last admin of solo");
    expect((await fixture.call("DELETE", "/api/orgs/solo/members/ada", undefined, token)).status).toBe(409);
  }
  expect((await fixture.call("POST", "/api/stacks/solo/app", { stackName: "still-admin" }, tokens.ada)).status).toBe(200);
  expect((await fixture.call("PUT", "/api/orgs/solo/members/pat", { role: "admin" }, tokens.ada)).status).toBe(200);
  expect((await fixture.call("PUT", "/api/orgs/solo/members/ada", { role: "member" }, tokens.ada)).status).toBe(200);
  // Now pat is the last admin.
  expect((await fixture.call("DELETE", "/api/orgs/solo/members/pat", undefined, tokens.pat)).status).toBe(409);
  expect((await fixture.call("PUT", "/api/orgs/solo/members/ada", { role: "admin" }, tokens.ada)).status).toBe(403);
  // Removing someone who is not a member is a 404, not a silent success.
  expect((await fixture.call("DELETE", "/api/orgs/solo/members/olga", undefined, tokens.pat)).status).toBe(404);
});

it("a personal organization's user is always its admin: not demoted, not removed, by anyone", async () => {
  expect((await fixture.call("PUT", "/api/orgs/max/members/ada", { role: "admin" }, tokens.max)).status).toBe(200);
  for (const token of [tokens.ada, fixture.server.adminToken]) {
    const put = await fixture.call("PUT", "/api/orgs/max/members/max", { role: "viewer" }, token);
    expect(put.status).toBe(409);
    expect(put.body.message).toContain("personal organization");
    expect((await fixture.call("DELETE", "/api/orgs/max/members/max", undefined, token)).status).toBe(409);
  }
  const page = await request("GET", "/max/settings/members", { cookie: await signIn(tokens.ada as string) });
  expect(page.body).not.toContain('id="role-max"');
  expect(page.body).not.toContain('id="remove-max"');
  expect(roleShown(page.body, "max")).toBe("admin");
  expect(page.body).toContain('id="change-role-ada"');
});
