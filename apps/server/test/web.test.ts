import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "../src/testing.js";
import { createUser, SAMPLE, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

let fixture: Fixture;
let alice: string;
const NONCE = "n".repeat(43);
const SECOND_NONCE = "p".repeat(43);

beforeAll(async () => {
  fixture = await startFixture();
  alice = await createUser(fixture, "alice");
  expect((await fixture.call("POST", "/api/stacks/alice/web", { stackName: "dev" }, alice)).status).toBe(200);
  expect((await fixture.call("POST", "/api/stacks/alice/web/dev/import", SAMPLE, alice)).status).toBe(200);
  // An update whose message is markup: the page must show it as text.
  const created = await fixture.call("POST", "/api/stacks/alice/web/dev/update", { metadata: { message: `<script>alert("x")</script> & more` } }, alice);
  expect(created.status).toBe(200);
  const started = await fixture.call("POST", `/api/stacks/alice/web/dev/update/${created.body.updateID}`, {}, alice);
  expect(started.status).toBe(200);
  expect((await api(fixture.server.url, "POST", `/api/stacks/alice/web/dev/update/${created.body.updateID}/complete`, started.body.token, { status: "failed" }, "update-token")).status).toBe(200);
  // Another user's stack, which alice must not see.
  expect((await fixture.call("POST", "/api/stacks/admin/secret-project", { stackName: "prod" })).status).toBe(200);
});
afterAll(() => fixture?.dispose());

const { request, signIn, csrf } = webClient(() => fixture.server.url);

it("without a session, / sends the browser to the sign-in form", async () => {
  const home = await request("GET", "/");
  expect(home.status).toBe(303);
  expect(home.location).toBe("/login");
  const login = await request("GET", "/login");
  expect(login.status).toBe(200);
  expect(login.body).toContain('name="token" type="password"');
});

it("a wrong token is refused with 401 and no cookie", async () => {
  const refused = await request("POST", "/login", { form: { token: "pul-not-a-real-token" } });
  expect(refused.status).toBe(401);
  expect(refused.setCookie).toBe("");
  expect(refused.body).toContain("not valid");
});

it("signing in sets an HttpOnly SameSite=Strict session cookie; / lists the user's stacks with their last update", async () => {
  const signedIn = await request("POST", "/login", { form: { token: alice } });
  expect(signedIn.status).toBe(303);
  expect(signedIn.location).toBe("/");
  expect(signedIn.setCookie).toMatch(/^cairn_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
  // The session has a token of its own: the one typed in is not put in the browser.
  expect(signedIn.setCookie).not.toContain(encodeURIComponent(alice));

  const home = await request("GET", "/", { cookie: signedIn.setCookie.split(";")[0] as string });
  expect(home.status).toBe(200);
  expect(home.body).toContain("alice/web/dev");
  expect(home.body).not.toContain("secret-project");
  // Each stack's last update: which, by whom, and how it ended (a word, not a colour only).
  expect(home.body).toContain('<a href="/alice/web/dev/updates/2">update #2</a> by alice <span class="badge bad">failed</span>');
  expect(home.body).not.toContain("<script>");
});

it("signing out revokes the session: the old cookie no longer opens /", async () => {
  const cookie = await signIn(alice);
  expect((await request("GET", "/", { cookie })).status).toBe(200);
  // Without this session's anti-forgery token the sign-out is refused and the session lives on.
  expect((await request("POST", "/logout", { cookie, form: { csrf: "forged" } })).status).toBe(403);
  expect((await request("GET", "/", { cookie })).status).toBe(200);
  const out = await request("POST", "/logout", { cookie, form: { csrf: await csrf(cookie) } });
  expect(out.status).toBe(303);
  expect(out.setCookie).toContain("Max-Age=0");
  expect((await request("GET", "/", { cookie })).location).toBe("/login");
});

it("/cli-login refuses a port that is not a plain port number (the hand-off is loopback only) and a bad nonce", async () => {
  for (const port of ["evil.example:80", "8080@evil.example", "0", "70000", "", "80/../x"]) {
    const refused = await request("GET", `/cli-login?${new URLSearchParams({ cliSessionPort: port, cliSessionNonce: NONCE })}`);
    expect(refused.status, port).toBe(400);
    expect(refused.body).toContain("127.0.0.1");
  }
  expect((await request("GET", "/cli-login?cliSessionPort=8080&cliSessionNonce=short")).status).toBe(400);
  expect((await request("GET", "/cli-login?cliSessionPort=8080")).status).toBe(400);
  expect((await request("GET", "/cli-login")).status).toBe(400);
  // The same checks hold for the form: a posted host cannot redirect the token elsewhere.
  const posted = await request("POST", "/login", { form: { token: alice, cliSessionPort: "evil.example:80", cliSessionNonce: NONCE } });
  expect(posted.status).toBe(400);
  expect(posted.location).toBe("");
});

it("/cli-login: sign in, and the browser goes to 127.0.0.1:<port> with a NEW token and the nonce; nothing secret is logged", async () => {
  const page = await request("GET", `/cli-login?cliSessionPort=45678&cliSessionNonce=${NONCE}&cliSessionDescription=${encodeURIComponent("<b>laptop</b>")}`);
  expect(page.status).toBe(200);
  expect(page.body).toContain(`name="cliSessionNonce" value="${NONCE}"`);
  expect(page.body).toContain("&#60;b&#62;laptop&#60;/b&#62;");

  const handOff = await request("POST", "/login", { form: { token: alice, cliSessionPort: "45678", cliSessionNonce: NONCE, cliSessionDescription: "laptop" } });
  expect(handOff.status).toBe(303);
  const location = new URL(handOff.location);
  expect(location.origin).toBe("http://127.0.0.1:45678");
  expect(location.searchParams.get("nonce")).toBe(NONCE);
  const minted = location.searchParams.get("accessToken") as string;
  expect(minted).not.toBe(alice);
  const user = await api(fixture.server.url, "GET", "/api/user", minted);
  expect(user.body).toMatchObject({ githubLogin: "alice", tokenInfo: { name: "laptop" } });

  // Signed in already: an explicit confirmation (POST) mints, a GET only asks.
  const cookie = handOff.setCookie.split(";")[0] as string;
  const ask = await request("GET", `/cli-login?port=45678&state=${NONCE}`, { cookie });
  expect(ask.body).toContain('id="authorize"');
  expect(ask.location).toBe("");
  // A second login (its own nonce: a nonce mints once, see web-forms.test.ts).
  // The confirmation form without the session's anti-forgery token mints nothing.
  expect((await request("POST", "/cli-login", { cookie, form: { cliSessionPort: "45679", cliSessionNonce: SECOND_NONCE } })).status).toBe(403);
  const token = /name="csrf" value="([^"]+)"/.exec(ask.body)?.[1] as string;
  const confirmed = await request("POST", "/cli-login", { cookie, form: { cliSessionPort: "45679", cliSessionNonce: SECOND_NONCE, csrf: token } });
  expect(confirmed.status).toBe(303);
  const second = new URL(confirmed.location).searchParams.get("accessToken") as string;
  expect((await api(fixture.server.url, "GET", "/api/user", second)).body.githubLogin).toBe("alice");
  // Without the session cookie (another site's form), nothing is minted.
  const forged = await request("POST", "/cli-login", { form: { cliSessionPort: "45679", cliSessionNonce: "q".repeat(43) } });
  expect(forged.status).toBe(401);
  expect(forged.location).toBe("");

  const logs = fixture.server.logs();
  expect(logs).toContain('"path":"/cli-login"');
  for (const secret of [alice, minted, second, NONCE, decodeURIComponent(cookie.split("=")[1] as string)]) expect(logs).not.toContain(secret);
});

it("a form body over the limit is refused with 413", async () => {
  const huge = await request("POST", "/login", { form: { token: "x".repeat(20_000) } });
  expect(huge.status).toBe(413);
});
