import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "../src/testing.js";
import { createUser, SAMPLE, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

let fixture: Fixture;
let alice: string;
let previewId: string;
let updateId: string;
const MARKUP = `<script>alert("x")</script> & more`;

async function finishedUpdate(kind: "update" | "preview", message: string): Promise<string> {
  const created = await fixture.call("POST", `/api/stacks/alice/web/dev/${kind}`, { metadata: { message } }, alice);
  expect(created.status).toBe(200);
  const started = await fixture.call("POST", `/api/stacks/alice/web/dev/${kind}/${created.body.updateID}`, {}, alice);
  expect(started.status).toBe(200);
  const completed = await api(fixture.server.url, "POST", `/api/stacks/alice/web/dev/${kind}/${created.body.updateID}/complete`, started.body.token, { status: "failed" }, "update-token");
  expect(completed.status).toBe(200);
  return created.body.updateID as string;
}

beforeAll(async () => {
  fixture = await startFixture();
  alice = await createUser(fixture, "alice");
  expect((await fixture.call("POST", "/api/stacks/alice/web", { stackName: "dev" }, alice)).status).toBe(200);
  expect((await fixture.call("POST", "/api/stacks/alice/web/dev/import", SAMPLE, alice)).status).toBe(200);
  updateId = await finishedUpdate("update", MARKUP);
  previewId = await finishedUpdate("preview", "just looking");
  // Another user's stack, which alice must not see.
  expect((await fixture.call("POST", "/api/stacks/admin/secret-project", { stackName: "prod" })).status).toBe(200);
});
afterAll(() => fixture?.dispose());

const { request, signIn } = webClient(() => fixture.server.url);

it("without a session a console page sends the browser to sign in, and back to the page afterwards", async () => {
  const page = await request("GET", "/alice/web/dev/updates/2");
  expect(page.status).toBe(303);
  expect(page.location).toBe("/login?next=%2Falice%2Fweb%2Fdev%2Fupdates%2F2");
  const form = await request("GET", page.location);
  expect(form.body).toContain('<input type="hidden" name="next" value="/alice/web/dev/updates/2">');
  // A wrong token keeps the destination for the next try.
  const refused = await request("POST", "/login", { form: { token: "pul-wrong", next: "/alice/web/dev/updates/2" } });
  expect(refused.status).toBe(401);
  expect(refused.body).toContain('name="next" value="/alice/web/dev/updates/2"');
  const signedIn = await request("POST", "/login", { form: { token: alice, next: "/alice/web/dev/updates/2" } });
  expect(signedIn.status).toBe(303);
  expect(signedIn.location).toBe("/alice/web/dev/updates/2");
  expect((await request("GET", signedIn.location, { cookie: signedIn.setCookie.split(";")[0] as string })).status).toBe(200);
});

it("next only ever names a path on this server", async () => {
  for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "evil", "/ok\nx", "javascript:alert(1)"]) {
    const signedIn = await request("POST", "/login", { form: { token: alice, next } });
    expect(signedIn.location, next).toBe("/");
  }
  expect((await request("GET", `/login?next=${encodeURIComponent("//evil.example")}`)).body).not.toContain('name="next"');
});

it("the stack page: name, resources, last update, plain output values, the history linking to update pages, escaped", async () => {
  const cookie = await signIn(alice);
  const page = await request("GET", "/alice/web/dev", { cookie });
  expect(page.status).toBe(200);
  expect(page.body).toContain('<span id="stack">dev</span>');
  expect(page.body).toContain('<dd id="resource-count">3</dd>');
  expect(page.body).toMatch(/<dd id="last-update">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/dd>/);
  // A plain output is shown (secrets are masked until revealed: stack-pages.test.ts).
  expect(page.body).toContain('<th scope="row" class="output-name">bucketName</th><td class="output-value"><code>site-bucket-4f2a9c1</code></td>');
  expect(page.body).toMatch(/<a href="\/alice\/web\/dev\/updates\/2">2<\/a><\/td><td>update<\/td><td><span class="badge bad">failed<\/span><\/td><td>alice<\/td>/);
  expect(page.body).toContain('<a href="/alice/web/dev/updates/1">1</a></td><td>import</td>');
  expect(page.body).not.toContain("<script>");
  expect(page.body).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; more");
  expect(page.body).not.toContain('id="older"');
  // The dashboard links to it.
  expect((await request("GET", "/", { cookie })).body).toContain('<a class="stack-link" href="/alice/web/dev">dev</a>');
});

it("the update page shows one version; unknown versions are a 404 page", async () => {
  const cookie = await signIn(alice);
  const page = await request("GET", "/alice/web/dev/updates/2", { cookie });
  expect(page.status).toBe(200);
  expect(page.body).toContain('<dd id="kind">update</dd>');
  expect(page.body).toContain('<dd id="user">alice</dd>');
  expect(page.body).toContain('<dd id="result"><span class="badge bad">failed</span></dd>');
  expect(page.body).toMatch(/<dd id="ended">\d{4}-[^<]+Z<\/dd>/);
  expect(page.body).toContain('<p id="message">&#60;script&#62;');
  const first = await request("GET", "/alice/web/dev/updates/1", { cookie });
  expect(first.body).toContain('<dd id="kind">import</dd>');
  expect(first.body).toContain('<dd id="resource-count">3</dd>');
  for (const version of ["3", "0", "abc", "1.5"]) {
    const missing = await request("GET", `/alice/web/dev/updates/${version}`, { cookie });
    expect(missing.status, version).toBe(404);
    expect(missing.body).toContain('id="error"');
  }
});

it("the preview page shows the preview's record; an unknown id or an update's id is a 404", async () => {
  const cookie = await signIn(alice);
  const page = await request("GET", `/alice/web/dev/previews/${previewId}`, { cookie });
  expect(page.status).toBe(200);
  expect(page.body).toContain(`<dd id="update-id">${previewId}</dd>`);
  expect(page.body).toContain('<dd id="message">just looking</dd>');
  expect(page.body).toContain("not part of the stack's update history");
  for (const id of ["00000000-0000-0000-0000-000000000000", updateId, "..%2F..%2Fx"]) {
    const missing = await request("GET", `/alice/web/dev/previews/${id}`, { cookie });
    expect(missing.status, id).toBe(404);
    expect(missing.body).toContain("previews are not part of a stack");
  }
});

it("another organization's stack is a 404 page, as in the API; so is a stack that does not exist", async () => {
  const cookie = await signIn(alice);
  for (const path of ["/admin/secret-project/prod", "/admin/secret-project/prod/updates/1", "/alice/web/nope", "/nobody/web/dev"]) {
    const page = await request("GET", path, { cookie });
    expect(page.status, path).toBe(404);
    expect(page.body).not.toContain("secret-project/prod<");
  }
});

it("console pages are server-rendered under the strict CSP, with no scripts", async () => {
  const cookie = await signIn(alice);
  const response = await fetch(`${fixture.server.url}/alice/web/dev`, { headers: { cookie } });
  expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  expect(await response.text()).not.toMatch(/<script|src=|<link/);
});

it("the CLI's other links: /welcome/cli after a browser login, /user/settings/tokens for where tokens come from", async () => {
  const welcome = await request("GET", "/welcome/cli");
  expect(welcome.status).toBe(200);
  expect(welcome.body).toContain("you can close this tab");
  // Signed out, the tokens page sends the browser to sign in (which says where a first token comes from) and back.
  const tokens = await request("GET", "/user/settings/tokens");
  expect(tokens.status).toBe(303);
  expect(tokens.location).toBe("/login?next=%2Fuser%2Fsettings%2Ftokens");
  expect((await request("GET", tokens.location)).body).toContain("POST /api/admin/users/&lt;you&gt;/tokens");
});

it("console paths never shadow the API: unknown /api paths stay JSON 404s, a wrong method stays a JSON 400", async () => {
  const cookie = await signIn(alice);
  const unknown = await fetch(`${fixture.server.url}/api/nothing/here`, { headers: { cookie } });
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get("content-type")).toBe("application/json");
  const wrongMethod = await fetch(`${fixture.server.url}/api/admin/users`, { headers: { cookie } });
  expect(wrongMethod.status).toBe(400);
  expect(((await wrongMethod.json()) as { message: string }).message).toContain("not allowed");
  const deep = await fetch(`${fixture.server.url}/api/x/y/updates/1`, { headers: { cookie } });
  expect(deep.status).toBe(404);
  expect(deep.headers.get("content-type")).toBe("application/json");
});
