import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AuditEvent } from "../src/audit/event.js";
import { api, SERVER_BIN, spawnServer, TEST_MASTER_KEY, type SpawnedServer } from "../src/testing.js";
import { SAMPLE, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

// The audit log end to end, on a real cairn-server process over a file store: each family of
// state-changing calls leaves exactly one event (or, for a running update's calls, a count on its
// completion), refusals by a credential are kept, bad input is not, no secret is ever written, and
// the export is JSON lines that only an organization's admins (the site's: site admins) may read.

let fixture: Fixture;
let second: SpawnedServer | undefined;
let admin: string;
let adminTokenId: string;
const tokens: Record<string, string> = {};
/** Every secret this file handed out or used: none may appear in the log. */
const secrets: string[] = [];
const STACK = "/api/stacks/team/app/prod";

beforeAll(async () => {
  fixture = await startFixture();
  admin = fixture.server.adminToken;
  secrets.push(admin);
  adminTokenId = (await fixture.call("GET", "/api/user")).body.tokenInfo.id;
});
afterAll(async () => {
  await second?.stop();
  await fixture?.dispose();
});

/** A call with extra headers (X-Forwarded-For) to one server. */
async function callWith(url: string, method: string, path: string, token: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, { method, headers: { authorization: `token ${token}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function exported(path: string, token = admin): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${fixture.server.url}${path}`, { headers: { authorization: `token ${token}` } });
  return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
}

function lines(text: string): AuditEvent[] {
  expect(text === "" || text.endsWith("\n")).toBe(true);
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as AuditEvent);
}

async function logOf(scope: string): Promise<AuditEvent[]> {
  const answer = await exported(scope === "site" ? "/api/admin/auditlogs" : `/api/orgs/${scope}/auditlogs`);
  expect(answer.status, answer.text).toBe(200);
  return lines(answer.text);
}

/** The events `work` added to the site's log and the named organizations' logs. */
async function added(work: () => Promise<unknown>, orgs: string[] = ["team"]): Promise<AuditEvent[]> {
  const scopes = ["site", ...orgs];
  const seen = new Set<string>();
  for (const scope of scopes) for (const event of await logOf(scope)) seen.add(event.id);
  await work();
  const after: AuditEvent[] = [];
  for (const scope of scopes) for (const event of await logOf(scope)) if (!seen.has(event.id)) after.push(event);
  return after;
}

/** Exactly one event for `work`, which is returned. */
async function one(work: () => Promise<unknown>, orgs?: string[]): Promise<AuditEvent> {
  const events = await added(work, orgs);
  expect(events, JSON.stringify(events)).toHaveLength(1);
  return events[0] as AuditEvent;
}

async function ok(method: string, path: string, body: unknown, token = admin): Promise<any> {
  const response = await api(fixture.server.url, method, path, token, body);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

const fromHere = { address: "127.0.0.1", outcome: "success", status: 200 };

it("users, tokens, organizations and memberships: one event each, by who did it, on what, from where", async () => {
  const user = await one(() => ok("POST", "/api/admin/users", { name: "ann" }));
  expect(user).toMatchObject({ action: "user.create", actor: "admin", credential: { kind: "token", id: adminTokenId }, target: { user: "ann" }, method: "POST", path: "/api/admin/users", ...fromHere });
  expect(user.org).toBeUndefined();
  expect(Date.parse(user.time)).toBeGreaterThan(Date.now() - 60_000);

  let issued: any;
  const byAdmin = await one(async () => (issued = await ok("POST", "/api/admin/users/ann/tokens", { description: "ann's" })));
  tokens.ann = issued.tokenValue;
  secrets.push(tokens.ann as string);
  expect(byAdmin).toMatchObject({ action: "token.create", actor: "admin", target: { user: "ann", tokenId: issued.id }, path: "/api/admin/users/ann/tokens" });

  const own = await one(async () => (issued = await ok("POST", "/api/user/tokens", { description: "spare" }, tokens.ann)));
  secrets.push(issued.tokenValue);
  expect(own).toMatchObject({ action: "token.create", actor: "ann", target: { user: "ann", tokenId: issued.id } });
  const revoked = await one(() => ok("DELETE", `/api/user/tokens/${issued.id}`, undefined, tokens.ann));
  expect(revoked).toMatchObject({ action: "token.revoke", actor: "ann", target: { tokenId: issued.id }, path: `/api/user/tokens/${issued.id}`, ...fromHere });

  for (const name of ["bob", "carl"]) {
    await ok("POST", "/api/admin/users", { name });
    tokens[name] = (await ok("POST", `/api/admin/users/${name}/tokens`, {})).tokenValue;
    secrets.push(tokens[name] as string);
  }
  const org = await one(() => ok("POST", "/api/orgs", { name: "team" }));
  expect(org).toMatchObject({ action: "org.create", actor: "admin", target: { org: "team" } });
  const role = await one(() => ok("PUT", "/api/orgs/team/members/ann", { role: "member" }));
  expect(role).toMatchObject({ action: "member.set-role", org: "team", actor: "admin", target: { org: "team", user: "ann" }, details: { newRole: "member" }, ...fromHere });
  await ok("PUT", "/api/orgs/team/members/bob", { role: "viewer" });
});

it("stacks: create, tags, import and rename are one organization event each, naming the stack", async () => {
  const created = await one(() => ok("POST", "/api/stacks/team/app", { stackName: "prod" }, tokens.ann));
  expect(created).toMatchObject({ action: "stack.create", org: "team", actor: "ann", target: { org: "team", project: "app", stack: "prod" }, path: "/api/stacks/team/app", ...fromHere });
  const tagged = await one(() => ok("PATCH", `${STACK}/tags`, { owner: "ann" }, tokens.ann));
  expect(tagged).toMatchObject({ action: "stack.tags.update", target: { stack: "prod" }, path: `${STACK}/tags` });
  let imported: any;
  const importEvent = await one(async () => (imported = await ok("POST", `${STACK}/import`, SAMPLE, tokens.ann)));
  expect(importEvent).toMatchObject({ action: "stack.import", target: { stack: "prod", updateId: imported.updateId }, details: { version: imported.version } });
  const renamed = await one(() => ok("POST", `${STACK}/rename`, { newName: "staging" }, tokens.ann));
  expect(renamed).toMatchObject({ action: "stack.rename", target: { stack: "prod" }, details: { newName: "staging", newProject: "app" } });
  await ok("POST", "/api/stacks/team/app/staging/rename", { newName: "prod" }, tokens.ann);
});

it("an update: create, start and complete are an event each; its checkpoints and renewals are counted on the completion, by the update token's user", async () => {
  let created: any;
  const create = await one(async () => (created = await ok("POST", `${STACK}/update`, { metadata: { message: "deploy" } }, tokens.ann)));
  const path = `${STACK}/update/${created.updateID}`;
  expect(create).toMatchObject({ action: "update.create", actor: "ann", target: { stack: "prod", updateId: created.updateID }, details: { kind: "update" } });
  let started: any;
  const start = await one(async () => (started = await ok("POST", path, {}, tokens.ann)));
  secrets.push(started.token);
  expect(start).toMatchObject({ action: "update.start", actor: "ann", target: { updateId: created.updateID }, details: { version: started.version } });
  const intra = await added(async () => {
    for (let i = 0; i < 3; i++) expect((await api(fixture.server.url, "PATCH", `${path}/checkpoint`, started.token, SAMPLE, "update-token")).status).toBe(200);
    expect((await api(fixture.server.url, "POST", `${path}/renew_lease`, started.token, { duration: 60 }, "update-token")).status).toBe(200);
    expect((await api(fixture.server.url, "POST", `${path}/events/batch`, started.token, { events: [] }, "update-token")).status).toBe(200);
  });
  expect(intra).toEqual([]);
  const complete = await one(() => api(fixture.server.url, "POST", `${path}/complete`, started.token, { status: "succeeded" }, "update-token"));
  expect(complete).toMatchObject({
    action: "update.complete",
    org: "team",
    actor: "ann",
    credential: { kind: "update-token", updateId: created.updateID },
    target: { org: "team", stack: "prod", updateId: created.updateID },
    details: { result: "succeeded", checkpoints: 3, leaseRenewals: 1, eventBatches: 1, journalBatches: 0 },
    ...fromHere,
  });

  // Cancelled by its update id, and by the stack's cancel (which names the update it ended).
  for (const cancelPath of [(id: string) => `${STACK}/update/${id}/cancel`, () => `${STACK}/cancel`]) {
    const next = await ok("POST", `${STACK}/update`, {}, tokens.ann);
    secrets.push((await ok("POST", `${STACK}/update/${next.updateID}`, {}, tokens.ann)).token);
    const cancel = await one(() => ok("POST", cancelPath(next.updateID), {}, tokens.ann));
    expect(cancel).toMatchObject({ action: "update.cancel", org: "team", actor: "ann", target: { updateId: next.updateID } });
  }
});

it("secrets: a decryption is recorded as a read of the stack's secrets; an encryption is not recorded", async () => {
  const plaintext = Buffer.from("hunter2").toString("base64");
  let ciphertext = "";
  expect(await added(async () => (ciphertext = (await ok("POST", `${STACK}/encrypt`, { plaintext }, tokens.ann)).ciphertext))).toEqual([]);
  const read = await one(() => ok("POST", `${STACK}/decrypt`, { ciphertext }, tokens.ann));
  expect(read).toMatchObject({ action: "secrets.decrypt", actor: "ann", target: { stack: "prod" }, details: { values: 1 } });
  const batch = await one(() => ok("POST", `${STACK}/batch-decrypt`, { ciphertexts: [ciphertext, ciphertext] }, tokens.ann));
  expect(batch).toMatchObject({ action: "secrets.decrypt", details: { values: 2 } });
  expect(JSON.stringify(batch)).not.toContain("hunter2");
});

it("refusals: a viewer's 403 is in the organization's log, an outsider's 404 only in the site's; bad input and bad credentials nowhere", async () => {
  const viewer = await one(() => api(fixture.server.url, "PATCH", `${STACK}/tags`, tokens.bob, { owner: "bob" }));
  expect(viewer).toMatchObject({ action: "stack.tags.update", org: "team", actor: "bob", status: 403, outcome: "failure" });
  const outsider = await one(() => api(fixture.server.url, "DELETE", STACK, tokens.carl));
  expect(outsider).toMatchObject({ action: "stack.delete", actor: "carl", status: 404, outcome: "failure", target: { org: "team", stack: "prod" } });
  expect(outsider.org).toBeUndefined(); // the site's log: the organization's admins do not see probes of outsiders
  expect(
    await added(async () => {
      expect((await api(fixture.server.url, "POST", "/api/stacks/team/app", tokens.ann, { stackName: "../x" })).status).toBe(400);
      expect((await api(fixture.server.url, "PATCH", `${STACK}/tags`, tokens.ann, "{not json")).status).toBe(400);
      expect((await api(fixture.server.url, "DELETE", STACK, undefined)).status).toBe(401);
      expect((await api(fixture.server.url, "DELETE", STACK, "pul-0000000000000000000000000000000000000000")).status).toBe(401);
    }),
  ).toEqual([]);
  // A secret pasted into a path is not written down.
  const pasted = await one(() => api(fixture.server.url, "DELETE", `/api/user/tokens/${tokens.bob}`, tokens.ann));
  expect(pasted).toMatchObject({ action: "token.revoke", status: 404, path: "/api/user/tokens/[redacted]", target: { tokenId: "[redacted]" } });
});

it("web sign-in, the CLI's browser login and sign-out are site events by the signed-in user", async () => {
  const web = webClient(() => fixture.server.url);
  let cookie = "";
  const signIn = await one(async () => (cookie = await web.signIn(tokens.ann as string)));
  secrets.push(decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)));
  expect(signIn).toMatchObject({ action: "web.sign-in", actor: "ann", credential: { kind: "token" }, path: "/login", status: 303, outcome: "success" });
  const session = signIn.details?.session as string;
  expect(session).toMatch(/^[0-9a-f]{16}$/);

  const csrf = await web.csrf(cookie);
  secrets.push(csrf);
  let location = "";
  const cli = await one(async () => {
    const handOff = await web.request("POST", "/cli-login", { cookie, form: { cliSessionPort: "12345", cliSessionNonce: "nonce-0123456789abcdef", csrf } });
    expect(handOff.status).toBe(303);
    location = handOff.location;
  });
  const cliToken = new URL(location).searchParams.get("accessToken") as string;
  secrets.push(cliToken);
  expect(cli).toMatchObject({ action: "cli-login.token-issued", actor: "ann", credential: { kind: "web-session", id: session }, target: { user: "ann", tokenId: expect.stringMatching(/^[0-9a-f]{16}$/) } });

  // The console's forms record what their API counterparts do.
  let page = "";
  const madeOnPage = await one(async () => (page = (await web.request("POST", "/user/settings/tokens", { cookie, form: { description: "from the page", csrf } })).body));
  secrets.push(...(page.match(/pul-[0-9a-f]{40}/g) ?? []));
  expect(madeOnPage).toMatchObject({ action: "token.create", actor: "ann", credential: { kind: "web-session", id: session }, target: { user: "ann", tokenId: expect.stringMatching(/^[0-9a-f]{16}$/) }, path: "/user/settings/tokens", status: 200 });
  const adminWeb = await web.signIn(admin);
  const adminCsrf = await web.csrf(adminWeb);
  secrets.push(decodeURIComponent(adminWeb.slice(adminWeb.indexOf("=") + 1)), adminCsrf);
  const roleOnPage = await one(() => web.request("POST", "/team/settings/members/role", { cookie: adminWeb, form: { user: "bob", role: "viewer", csrf: adminCsrf } }));
  expect(roleOnPage).toMatchObject({ action: "member.set-role", org: "team", actor: "admin", credential: { kind: "web-session" }, target: { org: "team", user: "bob" }, details: { newRole: "viewer" }, status: 303 });

  const restored = await one(() => web.request("POST", "/team/app/prod/updates/1/restore", { cookie: adminWeb, form: { csrf: adminCsrf } }));
  expect(restored).toMatchObject({ action: "stack.restore", org: "team", actor: "admin", target: { stack: "prod", updateId: expect.any(String) }, details: { version: expect.any(Number) }, path: "/team/app/prod/updates/1/restore", status: 303 });
  const revealed = await one(() => web.request("POST", "/team/app/prod/reveal-secrets", { cookie: adminWeb, form: { csrf: adminCsrf } }));
  expect(revealed).toMatchObject({ action: "secrets.decrypt", org: "team", actor: "admin", target: { stack: "prod" }, status: 200 });

  const signOut = await one(() => web.request("POST", "/logout", { cookie, form: { csrf } }));
  expect(signOut).toMatchObject({ action: "web.sign-out", actor: "ann", credential: { kind: "web-session", id: session }, status: 303 });
});

it("removing a stack and a member are one organization event each", async () => {
  await ok("POST", "/api/stacks/team/app", { stackName: "scratch" }, tokens.ann);
  const removed = await one(() => ok("DELETE", "/api/stacks/team/app/scratch", undefined, tokens.ann));
  expect(removed).toMatchObject({ action: "stack.delete", org: "team", actor: "ann", target: { stack: "scratch" }, ...fromHere });
  await ok("PUT", "/api/orgs/team/members/carl", { role: "viewer" });
  const left = await one(() => ok("DELETE", "/api/orgs/team/members/carl", undefined));
  expect(left).toMatchObject({ action: "member.remove", org: "team", target: { user: "carl" } });
});

it("the export: JSON lines newest first (or oldest first), inclusive since/until, and pages for the console", async () => {
  const answer = await exported("/api/orgs/team/auditlogs");
  expect(answer.type).toMatch(/^application\/x-ndjson/);
  const events = lines(answer.text);
  expect(events.length).toBeGreaterThan(15);
  for (let i = 1; i < events.length; i++) {
    expect(Date.parse((events[i - 1] as AuditEvent).time)).toBeGreaterThanOrEqual(Date.parse((events[i] as AuditEvent).time));
    expect((events[i - 1] as AuditEvent).id < (events[i] as AuditEvent).id).toBe(true);
  }
  expect(lines((await exported("/api/orgs/team/auditlogs?order=oldest")).text)).toEqual([...events].reverse());

  const times = events.map((event) => event.time);
  const since = times[Math.floor(times.length * 0.7)] as string;
  const until = times[Math.floor(times.length * 0.3)] as string;
  const windowed = lines((await exported(`/api/orgs/team/auditlogs?since=${since}&until=${until}`)).text);
  expect(windowed).toEqual(events.filter((event) => event.time >= since && event.time <= until));
  expect(windowed.length).toBeGreaterThan(2);
  expect(lines((await exported(`/api/orgs/team/auditlogs?since=${since}`)).text)).toEqual(events.filter((event) => event.time >= since));
  expect((await exported("/api/orgs/team/auditlogs?since=yesterday")).status).toBe(400);

  const paged: AuditEvent[] = [];
  let before = "";
  for (let pages = 0; pages < 50; pages++) {
    const page = JSON.parse((await exported(`/api/orgs/team/auditlogs?format=json&limit=4${before ? `&before=${before}` : ""}`)).text);
    paged.push(...page.events);
    if (page.next === undefined) break;
    before = page.next;
  }
  expect(paged).toEqual(events);
});

it("only admins read a log: a viewer and a member get 403, an outsider 404; the site's log is the site admin's", async () => {
  expect((await exported("/api/orgs/team/auditlogs", tokens.bob)).status).toBe(403);
  expect((await exported("/api/orgs/team/auditlogs", tokens.ann)).status).toBe(403);
  expect((await exported("/api/orgs/team/auditlogs", tokens.carl)).status).toBe(404);
  expect((await exported("/api/orgs/team/auditlogs?format=json", tokens.carl)).status).toBe(404);
  expect((await exported("/api/admin/auditlogs", tokens.ann)).status).toBe(403);
  expect((await exported("/api/orgs/ann/auditlogs", tokens.ann)).status).toBe(200); // her own organization
});

it("the CLI exports the same lines from the store directly", () => {
  const run = spawnSync(process.execPath, [SERVER_BIN, "audit", "export", "--data", pathToFileURL(fixture.dataDir).href, "--org", "team"], { encoding: "utf8", env: { ...process.env, HOME: fixture.root } });
  expect(run.status, run.stderr).toBe(0);
  return exported("/api/orgs/team/auditlogs").then((answer) => expect(run.stdout).toBe(answer.text));
});

it("two instances over one store record every call, none lost; behind a trusted proxy, the address the proxy saw", async () => {
  second = await spawnServer({ data: pathToFileURL(fixture.dataDir).href, home: fixture.root, adminToken: admin, masterKeyHex: TEST_MASTER_KEY, args: ["--trust-proxy", "1"] });
  const forwarded = { "x-forwarded-for": "203.0.113.9, 198.51.100.7" };
  // Calls that do not contend with each other for state (each token is its own record), all at once.
  const events = await added(async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => callWith(i % 2 === 0 ? fixture.server.url : (second as SpawnedServer).url, "POST", "/api/user/tokens", tokens.ann as string, { description: `n${i}` }, forwarded)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    secrets.push(...answers.map((answer) => answer.body.tokenValue as string));
  });
  expect(events.every((event) => event.action === "token.create" && event.actor === "ann")).toBe(true);
  expect(events).toHaveLength(20);
  expect(new Set(events.map((event) => event.id)).size).toBe(20);
  // The first instance trusts no proxy: the header is the client's claim and is ignored.
  expect(events.filter((event) => event.address === "127.0.0.1" && event.proxy === undefined)).toHaveLength(10);
  expect(events.filter((event) => event.address === "198.51.100.7" && event.proxy === "127.0.0.1")).toHaveLength(10);
});

it("an event that cannot be stored turns the call into a 500 and goes to the error log whole", async () => {
  await ok("POST", "/api/orgs", { name: "fragile" });
  // A file where the organization's log directory would go: every write of its events fails.
  writeFileSync(join(fixture.dataDir, "server", "audit", "orgs", "fragile"), "not a directory");
  const refused = await api(fixture.server.url, "POST", "/api/stacks/fragile/app", admin, { stackName: "s" });
  expect(refused.status).toBe(500);
  expect(refused.body.message).toContain("audit record could not be stored");
  const logged = fixture.server.logs().split("\n").filter((line) => line.includes("audit record not stored"));
  expect(logged).toHaveLength(1);
  expect(JSON.parse(logged[0] as string)).toMatchObject({ level: "error", event: { action: "stack.create", actor: "admin", scope: { org: "fragile" }, target: { stack: "s" } } });
});

it("every event is in the log its action belongs to: the organization's for its stacks, updates, secrets and members, the site's for the rest", async () => {
  const orgActions = new Set(["stack.create", "stack.delete", "stack.rename", "stack.import", "stack.restore", "stack.tags.update", "update.create", "update.start", "update.complete", "update.cancel", "secrets.decrypt", "member.set-role", "member.remove"]);
  const team = await logOf("team");
  expect(team.filter((event) => !orgActions.has(event.action) || event.org !== "team")).toEqual([]);
  expect(new Set(team.map((event) => event.action))).toEqual(orgActions);
  // In the site's log: site actions, and the refusals of callers who are not members. (A route whose
  // pattern the action table misspells would show up here as a generic "<METHOD> <pattern>" action.)
  const siteActions = new Set(["user.create", "org.create", "token.create", "token.revoke", "web.sign-in", "web.sign-out", "cli-login.token-issued"]);
  const site = await logOf("site");
  expect(site.filter((event) => event.org !== undefined || !(siteActions.has(event.action) || (orgActions.has(event.action) && event.status === 404)))).toEqual([]);
  expect(new Set(site.map((event) => event.action))).toEqual(new Set([...siteActions, "stack.delete"]));
});

it("no secret appears in any event, in the export, in the server's logs, or anywhere in the store's bytes", async () => {
  expect(secrets.length).toBeGreaterThanOrEqual(10);
  const texts: Record<string, string> = {
    "the organization's export": (await exported("/api/orgs/team/auditlogs")).text,
    "the site's export": (await exported("/api/admin/auditlogs")).text,
    "the first server's logs": fixture.server.logs(),
    "the second server's logs": second?.logs() ?? "",
    "the store": storeBytes(fixture.dataDir),
  };
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(texts)) {
      const at = text.indexOf(secret);
      expect(at, `a secret (${secret.slice(0, 4)}…) is in ${where}: ${text.slice(Math.max(0, at - 120), at).replaceAll(secret, "<secret>")}`).toBe(-1);
    }
  }
});

function storeBytes(dir: string): string {
  let all = "";
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    all += statSync(path).isDirectory() ? storeBytes(path) : `${path}\n${readFileSync(path, "latin1")}\n`;
  }
  return all;
}
