import { afterAll, beforeAll, expect, it } from "vitest";
import { createUser, SAMPLE, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

let fixture: Fixture;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  fixture = await startFixture();
  for (const name of ["ann", "moe", "val"]) tokens[name] = await createUser(fixture, name);
  // crew: ann is its admin, moe a member; val is in no part of it.
  expect((await fixture.call("POST", "/api/orgs", { name: "crew" }, tokens.ann)).status).toBe(200);
  expect((await fixture.call("PUT", "/api/orgs/crew/members/moe", { role: "member" }, tokens.ann)).status).toBe(200);
});
afterAll(() => fixture?.dispose());

const { request, signIn } = webClient(() => fixture.server.url);

it("an organization's admins read its audit log in the console, newest first, with who, what, on what and from where; members get 403, others 404", async () => {
  expect((await fixture.call("POST", "/api/stacks/crew/web", { stackName: "dev" }, tokens.moe)).status).toBe(200);
  expect((await fixture.call("POST", "/api/stacks/crew/web/dev/import", SAMPLE, tokens.moe)).status).toBe(200);
  const ann = await signIn(tokens.ann as string);
  const page = await request("GET", "/crew/settings/audit-log", { cookie: ann });
  expect(page.status).toBe(200);
  const rows = [...page.body.matchAll(/<tr id="event-[^"]+">([\s\S]*?)<\/tr>/g)].map((match) => match[1] as string);
  // Newest first: the import, then the stack's creation, then the memberships set up above.
  expect(rows[0]).toContain("<code>stack.import</code>");
  expect(rows[0]).toContain("moe");
  expect(rows[0]).toContain("crew/web/dev");
  expect(rows[0]).toContain("127.0.0.1");
  expect(rows[1]).toContain("<code>stack.create</code>");
  expect(page.body).toContain("<code>member.set-role</code>");
  for (const secret of Object.values(tokens)) expect(page.body).not.toContain(secret);

  expect((await request("GET", "/crew/settings/audit-log", { cookie: await signIn(tokens.moe as string) })).status).toBe(403);
  expect((await request("GET", "/crew/settings/audit-log", { cookie: await signIn(tokens.val as string) })).status).toBe(404);
  // Signed out: sign in first, then back here.
  expect((await request("GET", "/crew/settings/audit-log")).location).toBe(`/login?next=${encodeURIComponent("/crew/settings/audit-log")}`);
});

it("the console's download is the whole log as JSON lines, the same events the API exports", async () => {
  const ann = await signIn(tokens.ann as string);
  const download = await fetch(`${fixture.server.url}/crew/settings/audit-log/export`, { headers: { cookie: ann } });
  expect(download.status).toBe(200);
  expect(download.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
  expect(download.headers.get("content-disposition")).toBe('attachment; filename="cairn-audit-crew.jsonl"');
  const lines = (await download.text()).trim().split("\n").map((line) => JSON.parse(line) as { id: string; action: string; org: string });
  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const event of lines) expect(event.org).toBe("crew");
  const api = await fixture.call("GET", "/api/orgs/crew/auditlogs?format=json&limit=500", undefined, tokens.ann);
  expect(lines.map((event) => event.id)).toEqual((api.body.events as Array<{ id: string }>).map((event) => event.id));
  expect((await request("GET", "/crew/settings/audit-log/export", { cookie: await signIn(tokens.moe as string) })).status).toBe(403);
});

it("pages of 50, older and newer, by cursor; a made-up cursor is a 400 page", async () => {
  for (let i = 0; i < 55; i++) expect((await fixture.call("PATCH", "/api/stacks/crew/web/dev/tags", { n: String(i) }, tokens.ann)).status).toBe(200);
  const ann = await signIn(tokens.ann as string);
  const first = await request("GET", "/crew/settings/audit-log", { cookie: ann });
  expect(first.body.match(/<tr id="event-/g)).toHaveLength(50);
  const older = /<a id="audit-older" href="([^"]+)"/.exec(first.body)?.[1] as string;
  expect(older).toMatch(/^\/crew\/settings\/audit-log\?before=\d{13}-[0-9a-f]{8}$/);
  const second = await request("GET", older.replace(/&amp;/g, "&"), { cookie: ann });
  const firstIds = [...first.body.matchAll(/<tr id="(event-[^"]+)"/g)].map((m) => m[1]);
  const secondIds = [...second.body.matchAll(/<tr id="(event-[^"]+)"/g)].map((m) => m[1]);
  expect(secondIds.length).toBeGreaterThan(0);
  expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
  expect(second.body).toContain('id="audit-newest"');
  expect((await request("GET", "/crew/settings/audit-log?before=../../x", { cookie: ann })).status).toBe(400);
});

it("the site's log is for site admins only (404 for anyone else) and holds the users and tokens made", async () => {
  const admin = await signIn(fixture.server.adminToken);
  const page = await request("GET", "/site-admin/audit-log", { cookie: admin });
  expect(page.status).toBe(200);
  expect(page.body).toContain("<code>user.create</code>");
  expect(page.body).toContain("user ann");
  expect((await request("GET", "/site-admin/audit-log", { cookie: await signIn(tokens.ann as string) })).status).toBe(404);
  expect((await request("GET", "/site-admin/audit-log/export", { cookie: await signIn(tokens.ann as string) })).status).toBe(404);
});
