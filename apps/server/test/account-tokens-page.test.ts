import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "../src/testing.js";
import { createUser, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

let fixture: Fixture;
let alice: string;
let bob: string;
const MARKUP = `<script>alert("x")</script> & co`;

beforeAll(async () => {
  fixture = await startFixture();
  alice = await createUser(fixture, "alice");
  bob = await createUser(fixture, "bob");
});
afterAll(() => fixture?.dispose());

const { request, signIn, csrf } = webClient(() => fixture.server.url);

/** The secret a create answer shows once, in `#new-token`. */
function secretOn(body: string): string {
  const secret = /<code class="secret-once" id="new-token"[^>]*>(pul-[0-9a-f]+)<\/code>/.exec(body)?.[1];
  expect(secret, "the answer page shows the new token").toBeDefined();
  return secret as string;
}

async function tokenIds(token: string): Promise<Array<{ id: string; description: string; revoked: boolean }>> {
  return (await fixture.call("GET", "/api/user/tokens", undefined, token)).body.tokens;
}

it("signed out, the page sends the browser to sign in and back", async () => {
  const page = await request("GET", "/user/settings/tokens");
  expect(page.status).toBe(303);
  expect(page.location).toBe("/login?next=%2Fuser%2Fsettings%2Ftokens");
});

it("creating a token shows it once (never in a URL), it works for the API, the list shows it without the secret, escaped; revoking makes the API refuse it", async () => {
  const cookie = await signIn(alice);
  const form = { csrf: await csrf(cookie), description: MARKUP };
  const created = await request("POST", "/user/settings/tokens", { cookie, form });
  expect(created.status).toBe(200);
  expect(created.location).toBe("");
  const secret = secretOn(created.body);
  expect(created.body).toContain("Copy it now: it is not shown again");
  expect(created.body).toContain("PULUMI_ACCESS_TOKEN");
  expect(created.body).toContain(`cairn login ${fixture.server.url}`);
  // The description is text, never markup, on the answer and on the list.
  expect(created.body).not.toContain("<script>");
  expect(created.body).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co");

  const list = await request("GET", "/user/settings/tokens", { cookie });
  expect(list.status).toBe(200);
  expect(list.body).not.toContain(secret);
  expect(list.body).not.toContain('id="new-token"');
  expect(list.body).not.toContain("<script>");
  const id = (await tokenIds(alice)).find((token) => token.description === MARKUP)?.id as string;
  expect(list.body).toContain(`id="token-${id}" class="active"`);
  expect(list.body).toContain(`id="revoke-${id}"`);
  // Newest first: the token just made comes before the one the fixture made.
  const fixtureId = (await tokenIds(alice)).find((token) => token.description === "test")?.id as string;
  expect(list.body.indexOf(`id="token-${id}"`)).toBeLessThan(list.body.indexOf(`id="token-${fixtureId}"`));
  const row = (body: string) => /<tr id="token-[0-9a-f]+" class="active">[\s\S]*?<\/tr>/.exec(body.slice(body.indexOf(`<tr id="token-${id}"`)))?.[0] ?? "";
  expect(row(list.body)).toContain('<span class="muted">never</span>');

  const user = await api(fixture.server.url, "GET", "/api/user", secret);
  expect(user.status).toBe(200);
  expect(user.body).toMatchObject({ githubLogin: "alice", tokenInfo: { name: MARKUP } });
  expect(row((await request("GET", "/user/settings/tokens", { cookie })).body)).not.toContain("never");
  const logs = fixture.server.logs();
  expect(logs).not.toContain(secret);

  const revoked = await request("POST", "/user/settings/tokens/revoke", { cookie, form: { csrf: form.csrf, id } });
  expect(revoked.status).toBe(303);
  expect(revoked.location).toBe("/user/settings/tokens?done=revoked");
  const refused = await api(fixture.server.url, "GET", "/api/user", secret);
  expect(refused.status).toBe(401);
  const after = await request("GET", revoked.location, { cookie });
  expect(after.body).toContain("Token revoked");
  expect(after.body).toContain(`id="token-${id}" class="revoked"`);
  expect(after.body).not.toContain(`id="revoke-${id}"`);
});

it("a description is required and length-limited: 400, the reason on the page, no token made", async () => {
  const cookie = await signIn(alice);
  const token = await csrf(cookie);
  const before = (await tokenIds(alice)).length;
  for (const description of ["", "   ", "x".repeat(201)]) {
    const refused = await request("POST", "/user/settings/tokens", { cookie, form: { csrf: token, description } });
    expect(refused.status, description).toBe(400);
    expect(refused.body).toContain('id="error"');
    expect(refused.body).not.toContain('id="new-token"');
  }
  expect((await tokenIds(alice)).length).toBe(before);
});

it("a user cannot revoke another user's token: 404, and the token still works", async () => {
  const cookie = await signIn(alice);
  const bobs = (await tokenIds(bob))[0]?.id as string;
  expect((await request("GET", "/user/settings/tokens", { cookie })).body).not.toContain(bobs);
  const refused = await request("POST", "/user/settings/tokens/revoke", { cookie, form: { csrf: await csrf(cookie), id: bobs } });
  expect(refused.status).toBe(404);
  expect((await api(fixture.server.url, "GET", "/api/user", bob)).status).toBe(200);
  expect((await tokenIds(bob)).every((token) => !token.revoked)).toBe(true);
  // Nor name one that is not an id at all.
  expect((await request("POST", "/user/settings/tokens/revoke", { cookie, form: { csrf: await csrf(cookie), id: "" } })).status).toBe(404);
});

it("without the session's anti-forgery token, create and revoke are 403 and change nothing", async () => {
  const cookie = await signIn(alice);
  const before = await tokenIds(alice);
  expect((await request("POST", "/user/settings/tokens", { cookie, form: { description: "forged" } })).status).toBe(403);
  expect((await request("POST", "/user/settings/tokens", { cookie, form: { csrf: "nope", description: "forged" } })).status).toBe(403);
  const live = before.find((token) => !token.revoked)?.id as string;
  expect((await request("POST", "/user/settings/tokens/revoke", { cookie, form: { id: live } })).status).toBe(403);
  expect(await tokenIds(alice)).toEqual(before);
});
