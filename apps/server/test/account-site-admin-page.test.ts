import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "../src/testing.js";
import { createUser, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

let fixture: Fixture;
let alice: string;
const USERS = "/site-admin/users";

beforeAll(async () => {
  fixture = await startFixture();
  alice = await createUser(fixture, "alice");
});
afterAll(() => fixture?.dispose());

const { request, signIn, csrf } = webClient(() => fixture.server.url);

async function userCount(): Promise<number> {
  const page = await request("GET", USERS, { cookie: await signIn(fixture.server.adminToken) });
  return [...page.body.matchAll(/<tr id="user-/g)].length;
}

it("to anyone but a site admin the page does not exist: 404 for the page and its forms, nothing created", async () => {
  const cookie = await signIn(alice);
  const page = await request("GET", USERS, { cookie });
  expect(page.status).toBe(404);
  expect(page.body).not.toContain("Create a user");
  expect((await request("GET", "/", { cookie })).body).not.toContain(`href="${USERS}"`);
  const before = await userCount();
  const token = await csrf(cookie);
  expect((await request("POST", USERS, { cookie, form: { csrf: token, name: "mallory" } })).status).toBe(404);
  expect((await request("POST", `${USERS}/site-admin`, { cookie, form: { csrf: token, user: "alice", siteAdmin: "true" } })).status).toBe(404);
  expect(await userCount()).toBe(before);
  expect((await fixture.call("GET", "/api/user", undefined, alice)).body.siteAdmin).toBe(false);
});

it("lists every user with site admin, organizations and active token count", async () => {
  const page = await request("GET", USERS, { cookie: await signIn(fixture.server.adminToken) });
  expect(page.status).toBe(200);
  expect(page.body).toContain('<tr id="user-alice">');
  expect(page.body).toContain('<tr id="user-admin">');
  expect(page.body).toContain('href="/alice/settings/members">alice</a>');
  expect(page.body).toContain('<td class="num" id="active-tokens-alice">1</td>');
  expect(page.body).toMatch(/<tr id="user-admin">[\s\S]*?site admin<\/span>/);
});

it("creating a user shows their first token once; it works for the API; bad names are refused with the reason", async () => {
  const cookie = await signIn(fixture.server.adminToken);
  const token = await csrf(cookie);
  const created = await request("POST", USERS, { cookie, form: { csrf: token, name: "carol" } });
  expect(created.status).toBe(200);
  const secret = /id="new-token"[^>]*>(pul-[0-9a-f]+)</.exec(created.body)?.[1] as string;
  expect(secret).toBeDefined();
  expect(created.body).toContain("Copy it now: it is not shown again");
  const user = await api(fixture.server.url, "GET", "/api/user", secret);
  expect(user.body).toMatchObject({ githubLogin: "carol", siteAdmin: false, organizations: [{ name: "carol" }] });
  const list = await request("GET", USERS, { cookie });
  expect(list.body).not.toContain(secret);
  expect(list.body).toContain('<td class="num" id="active-tokens-carol">1</td>');
  expect(fixture.server.logs()).not.toContain(secret);

  const before = await userCount();
  for (const [name, status, reason] of [["carol", 409, "taken"], ["orgs", 400, "reserved"], ["a/b", 400, "only letters"], ["", 400, "empty"]] as const) {
    const refused = await request("POST", USERS, { cookie, form: { csrf: token, name } });
    expect(refused.status, name).toBe(status);
    expect(refused.body).toMatch(new RegExp(`id="error"[^>]*>[^<]*${reason}`));
    expect(refused.body).not.toContain('id="new-token"');
  }
  expect(await userCount()).toBe(before);
  // Without the anti-forgery token: 403, no user.
  expect((await request("POST", USERS, { cookie, form: { name: "dave" } })).status).toBe(403);
  expect(await userCount()).toBe(before);
});

it("site admin is granted and taken away; the last site admin keeps it", async () => {
  const cookie = await signIn(fixture.server.adminToken);
  const token = await csrf(cookie);
  const last = await request("POST", `${USERS}/site-admin`, { cookie, form: { csrf: token, user: "admin", siteAdmin: "false" } });
  expect(last.status).toBe(409);
  expect(last.body).toContain("admin is the last site admin");
  expect((await fixture.call("GET", "/api/user")).body.siteAdmin).toBe(true);

  expect((await request("POST", `${USERS}/site-admin`, { cookie, form: { csrf: token, user: "alice", siteAdmin: "true" } })).status).toBe(303);
  expect((await fixture.call("GET", "/api/user", undefined, alice)).body.siteAdmin).toBe(true);
  expect((await fixture.call("POST", "/api/admin/users", { name: "erin" }, alice)).status).toBe(200);
  const taken = await request("POST", `${USERS}/site-admin`, { cookie, form: { csrf: token, user: "alice", siteAdmin: "false" } });
  expect(taken.status).toBe(303);
  expect(taken.location).toBe(`${USERS}?done=revoked`);
  expect((await fixture.call("POST", "/api/admin/users", { name: "frank" }, alice)).status).toBe(403);
});
