import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "../src/testing.js";
import { createUser, SAMPLE, startFixture, type Fixture } from "./fixture.js";
import { webClient } from "./web-client.js";

// The console's stack pages over HTTP as a browser uses them: the stack lists and their filters,
// the resource tree and its search, outputs with secrets masked until a member reveals them, the
// update page's changes and events log, and the roll-forward restore.

let fixture: Fixture;
let member: string;
let viewer: string;
let outsider: string;
const SECRET = "hunter2-very-secret";
const NESTED_SECRET = "nested-token-4711";
const MARKUP = `<script>alert("out")</script>`;
const ORG = "team";

const { request, signIn, csrf } = webClient(() => fixture.server.url);

/** A state with a tree (root → component → bucket → policy), a provider, and outputs, some secret. */
function treeDeployment(secret: (value: unknown) => unknown, provider = "service") {
  const stack = "urn:pulumi:prod::app::pulumi:pulumi:Stack::app-prod";
  const providerUrn = "urn:pulumi:prod::app::pulumi:providers:aws::default_6_66_0";
  const providerRef = `${providerUrn}::5b9f3e2a`;
  const component = "urn:pulumi:prod::app::my:index:Site::web-component";
  const bucket = "urn:pulumi:prod::app::my:index:Site$aws:s3/bucketV2:BucketV2::assets-bucket";
  return {
    version: 3,
    deployment: {
      manifest: SAMPLE.deployment.manifest,
      secrets_providers: provider === "service" ? { type: "service", state: { url: fixture.server.url, owner: ORG, project: "app", stack: "prod" } } : { type: provider, state: { salt: "v1:c2FsdA==:v1:aXY=:Y2lwaGVy" } },
      resources: [
        { urn: stack, custom: false, type: "pulumi:pulumi:Stack", outputs: { url: "https://example.test/", password: secret(SECRET), nested: { user: "ops", token: secret(NESTED_SECRET) }, markup: MARKUP } },
        { urn: providerUrn, custom: true, id: "5b9f3e2a", type: "pulumi:providers:aws", parent: stack },
        { urn: component, custom: false, type: "my:index:Site", parent: stack },
        { urn: bucket, custom: true, id: "assets-bucket-123", type: "aws:s3/bucketV2:BucketV2", parent: component, provider: providerRef },
        { urn: `urn:pulumi:prod::app::my:index:Site$aws:s3/bucketV2:BucketV2$aws:s3/bucketPolicy:BucketPolicy::assets-policy`, custom: true, id: "policy-1", type: "aws:s3/bucketPolicy:BucketPolicy", parent: bucket, provider: providerRef },
        { urn: "urn:pulumi:prod::app::aws:s3/bucketV2:BucketV2::logs-bucket", custom: true, id: "logs-bucket-9", type: "aws:s3/bucketV2:BucketV2", parent: stack, provider: providerRef },
      ],
    },
  };
}

async function encrypted(value: unknown): Promise<unknown> {
  const sealed = await fixture.call("POST", `/api/stacks/${ORG}/app/prod/encrypt`, { plaintext: Buffer.from(JSON.stringify(value)).toString("base64") }, member);
  expect(sealed.status).toBe(200);
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: sealed.body.ciphertext };
}

async function createStack(project: string, stack: string, tags?: Record<string, string>): Promise<void> {
  expect((await fixture.call("POST", `/api/stacks/${ORG}/${project}`, { stackName: stack, ...(tags ? { tags } : {}) }, member)).status).toBe(200);
}

/** An update through the API as the CLI runs one, sending `events`. */
async function runUpdate(project: string, stack: string, message: string, events: unknown[]): Promise<void> {
  const path = `/api/stacks/${ORG}/${project}/${stack}/update`;
  const created = await fixture.call("POST", path, { metadata: { message } }, member);
  expect(created.status).toBe(200);
  const started = await fixture.call("POST", `${path}/${created.body.updateID}`, {}, member);
  expect(started.status).toBe(200);
  const token = started.body.token as string;
  expect((await api(fixture.server.url, "POST", `${path}/${created.body.updateID}/events/batch`, token, { events }, "update-token")).status).toBe(200);
  expect((await api(fixture.server.url, "POST", `${path}/${created.body.updateID}/complete`, token, { status: "succeeded" }, "update-token")).status).toBe(200);
}

beforeAll(async () => {
  fixture = await startFixture();
  member = await createUser(fixture, "max");
  viewer = await createUser(fixture, "vera");
  outsider = await createUser(fixture, "olga");
  expect((await fixture.call("POST", "/api/orgs", { name: ORG })).status).toBe(200);
  expect((await fixture.call("PUT", `/api/orgs/${ORG}/members/max`, { role: "member" })).status).toBe(200);
  expect((await fixture.call("PUT", `/api/orgs/${ORG}/members/vera`, { role: "viewer" })).status).toBe(200);
  await createStack("app", "prod", { env: "prod", owner: "ops" });
  await createStack("app", "dev", { env: "dev" });
  await createStack("web", "prod", { env: "prod" });
  await createStack("web", "staging");
  const secret = new Map<unknown, unknown>([[SECRET, await encrypted(SECRET)], [NESTED_SECRET, await encrypted(NESTED_SECRET)]]);
  expect((await fixture.call("POST", `/api/stacks/${ORG}/app/prod/import`, treeDeployment((value) => secret.get(value)), member)).status).toBe(200);
  // A passphrase stack: the server has no key for its secrets.
  const passphrase = treeDeployment((value) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: `v1:aXY=:${Buffer.from(String(value)).toString("base64")}` }), "passphrase");
  expect((await fixture.call("POST", `/api/stacks/${ORG}/web/prod/import`, passphrase, member)).status).toBe(200);
  // app/dev: two versions to restore between.
  expect((await fixture.call("POST", `/api/stacks/${ORG}/app/dev/import`, SAMPLE, member)).status).toBe(200);
  expect((await fixture.call("POST", `/api/stacks/${ORG}/app/dev/import`, { version: 3, deployment: { manifest: SAMPLE.deployment.manifest, resources: [] } }, member)).status).toBe(200);
});
afterAll(() => fixture?.dispose());

/** The stacks a list page links to, in order. */
function listedStacks(body: string): string[] {
  return [...body.matchAll(/class="stack-link" href="([^"]+)"/g)].map((match) => match[1] as string);
}

/** The resource tree as paths of names, read off the nested lists (`root/child/grandchild`). */
function treePaths(body: string): string[] {
  const tree = /<ul class="tree" id="resource-tree">[\s\S]*<\/ul><\/div>/.exec(body)?.[0] ?? "";
  const open: string[] = [];
  const paths: string[] = [];
  for (const match of tree.matchAll(/<li\b|<\/li>|<span class="res-name">([^<]*)<\/span>/g)) {
    if (match[0] === "<li") open.push("");
    else if (match[0] === "</li>") open.pop();
    else {
      open[open.length - 1] = match[1] as string;
      paths.push(open.join("/"));
    }
  }
  return paths;
}

it("the lists: / has every organization's stacks, /<org> one organization's; filters by project, tag and name return exactly the matches", async () => {
  const cookie = await signIn(member);
  const all = ["/team/app/dev", "/team/app/prod", "/team/web/prod", "/team/web/staging"];
  expect(listedStacks((await request("GET", "/", { cookie })).body)).toEqual(all);
  const org = await request("GET", "/team", { cookie });
  expect(org.status).toBe(200);
  expect(listedStacks(org.body)).toEqual(all);
  const filtered = async (query: string) => listedStacks((await request("GET", `/team?${query}`, { cookie })).body);
  expect(await filtered("project=app")).toEqual(["/team/app/dev", "/team/app/prod"]);
  expect(await filtered("tag=env%3Dprod")).toEqual(["/team/app/prod", "/team/web/prod"]);
  expect(await filtered("tag=owner")).toEqual(["/team/app/prod"]);
  expect(await filtered("tag=owner%3Ddev")).toEqual([]);
  expect(await filtered("q=STAG")).toEqual(["/team/web/staging"]);
  expect(await filtered("project=app&tag=env%3Dprod&q=prod")).toEqual(["/team/app/prod"]);
  expect(listedStacks((await request("GET", "/?project=web&tag=env", { cookie })).body)).toEqual(["/team/web/prod"]);
  const none = await request("GET", "/team?q=nothing-like-this", { cookie });
  expect(none.body).toContain('id="no-matches"');
  expect(none.body).toContain('<p id="stack-count">0 of 4 stacks</p>');
  // The filter form keeps what was asked, escaped.
  const echoed = await request("GET", `/team?q=${encodeURIComponent('"><b>x')}`, { cookie });
  expect(echoed.body).toContain('value="&#34;&#62;&#60;b&#62;x"');
  // The last update column: which, who, and its result as a word.
  expect(org.body).toContain('<a href="/team/app/dev/updates/2">import #2</a> by max <span class="badge ok">succeeded</span>');
  expect(org.body).toContain('<td><span class="muted">no updates</span></td>');
});

it("a user with no stacks gets next steps; a non-member's /<org> is a 404, and fixed paths still win over /<org>", async () => {
  const cookie = await signIn(outsider);
  const home = await request("GET", "/", { cookie });
  expect(home.body).toContain('id="no-stacks"');
  expect(home.body).toContain("pulumi stack init olga/&lt;project&gt;/dev");
  expect(home.body).toContain("cairn stack init");
  expect((await request("GET", "/team", { cookie })).status).toBe(404);
  expect((await request("GET", "/team/app/prod", { cookie })).status).toBe(404);
  expect((await request("GET", "/welcome/cli")).body).toContain("you can close this tab");
});

it("the list's last update follows new updates: its cache is derived from history, and a stale or damaged one is rebuilt", async () => {
  const cookie = await signIn(member);
  const cache = join(fixture.dataDir, "server", "console", "last-updates", `${ORG}.json`);
  const before = (await request("GET", "/team?q=web/staging", { cookie })).body;
  expect(before).toContain("no updates");
  const stale = readFileSync(cache);
  await runUpdate("web", "staging", "first", [{ sequence: 1, timestamp: 1_700_000_000, summaryEvent: { resourceChanges: { same: 1 } } }]);
  const shown = '<a href="/team/web/staging/updates/1">update #1</a> by max <span class="badge ok">succeeded</span>';
  expect((await request("GET", "/team?q=web/staging", { cookie })).body).toContain(shown);
  // As if another instance had written the cache last, from before the update: still the truth.
  writeFileSync(cache, stale);
  expect((await request("GET", "/team?q=web/staging", { cookie })).body).toContain(shown);
  // An entry read for another version of the stack's counter (another update, since replaced).
  const current = JSON.parse(readFileSync(cache, "utf8"));
  current.stacks["web/staging"].listed = "v:older";
  current.stacks["web/staging"].entry = { ...current.stacks["web/staging"].entry, user: "mallory" };
  writeFileSync(cache, JSON.stringify(current));
  expect((await request("GET", "/team?q=web/staging", { cookie })).body).toContain(shown);
  writeFileSync(cache, "not json");
  expect((await request("GET", "/team?q=web/staging", { cookie })).body).toContain(shown);
  expect(JSON.parse(readFileSync(cache, "utf8")).stacks["web/staging"].entry).toMatchObject({ version: 1, user: "max", result: "succeeded" });
});

it("the resource tree nests children under their parents; ?q= keeps each match's ancestors and counts the matches", async () => {
  const cookie = await signIn(viewer);
  const page = await request("GET", "/team/app/prod", { cookie });
  expect(page.status).toBe(200);
  expect(treePaths(page.body)).toEqual([
    "app-prod",
    "app-prod/default_6_66_0",
    "app-prod/web-component",
    "app-prod/web-component/assets-bucket",
    "app-prod/web-component/assets-bucket/assets-policy",
    "app-prod/logs-bucket",
  ]);
  expect(page.body).toContain('<p id="resource-matches">6 resources</p>');
  expect(page.body).not.toContain('class="res match"');
  expect(page.body).toContain('<span class="res-provider">provider <span class="mono">aws/default_6_66_0</span></span>');
  expect(page.body).toContain('<span class="res-id">id <code>assets-bucket-123</code></span>');
  const found = await request("GET", "/team/app/prod?q=POLICY", { cookie });
  expect(treePaths(found.body)).toEqual(["app-prod", "app-prod/web-component", "app-prod/web-component/assets-bucket", "app-prod/web-component/assets-bucket/assets-policy"]);
  expect(found.body).toContain('<p id="resource-matches">1 of 6 resources</p>');
  expect(found.body).toContain('<li class="res match"><span class="res-name">assets-policy</span>');
  expect(found.body).toContain('id="resource-search" name="q" type="search" value="POLICY"');
  const buckets = await request("GET", "/team/app/prod?q=bucket", { cookie });
  expect(treePaths(buckets.body)).toEqual(["app-prod", "app-prod/web-component", "app-prod/web-component/assets-bucket", "app-prod/logs-bucket"]);
  expect((await request("GET", "/team/app/prod?q=zzz", { cookie })).body).toContain('id="no-resource-matches"');
});

it("tags and outputs: plain values shown and escaped, secrets masked for everyone; a viewer has no reveal button and is refused (403, nothing revealed)", async () => {
  for (const token of [viewer, member, fixture.server.adminToken]) {
    const page = await request("GET", "/team/app/prod", { cookie: await signIn(token) });
    expect(page.body).toContain('<li class="tag">env=prod</li>');
    expect(page.body).toContain("https://example.test/");
    expect(page.body).toContain('<th scope="row" class="output-name">password</th><td class="output-value"><code>[secret]</code> <span class="badge warn">secret</span>');
    expect(page.body).toContain("{&#34;user&#34;:&#34;ops&#34;,&#34;token&#34;:&#34;[secret]&#34;}");
    expect(page.body).toContain("&#60;script&#62;alert(&#34;out&#34;)&#60;/script&#62;");
    expect(page.body).not.toContain("<script>");
    expect(page.body).not.toContain(SECRET);
    expect(page.body).not.toContain(NESTED_SECRET);
  }
  const cookie = await signIn(viewer);
  const page = await request("GET", "/team/app/prod", { cookie });
  expect(page.body).not.toContain('id="reveal-secrets"');
  const refused = await request("POST", "/team/app/prod/reveal-secrets", { cookie, form: { csrf: await csrf(cookie) } });
  expect(refused.status).toBe(403);
  expect(refused.body).not.toContain(SECRET);
  expect(refused.body).not.toContain(NESTED_SECRET);
});

it("a member reveals the secrets with a POST (anti-forgery token checked, never cached, never logged); reloading masks them again", async () => {
  const cookie = await signIn(member);
  expect((await request("GET", "/team/app/prod", { cookie })).body).toContain('<button id="reveal-secrets"');
  const forged = await request("POST", "/team/app/prod/reveal-secrets", { cookie, form: { csrf: "forged" } });
  expect(forged.status).toBe(403);
  expect(forged.body).not.toContain(SECRET);
  const response = await fetch(`${fixture.server.url}/team/app/prod/reveal-secrets`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf: await csrf(cookie) }).toString(),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const revealed = await response.text();
  expect(revealed).toContain(`<code>${SECRET}</code> <span class="badge warn">secret</span>`);
  expect(revealed).toContain(`{&#34;user&#34;:&#34;ops&#34;,&#34;token&#34;:&#34;${NESTED_SECRET}&#34;}`);
  expect(revealed).toContain('id="secrets-revealed"');
  expect(revealed).not.toContain('id="reveal-secrets"');
  expect((await request("GET", "/team/app/prod", { cookie })).body).not.toContain(SECRET);
  expect(fixture.server.logs()).not.toContain(SECRET);
  expect(fixture.server.logs()).not.toContain(NESTED_SECRET);
});

it("a stack whose secrets another provider encrypted: the reveal says the server cannot decrypt them and what can", async () => {
  const cookie = await signIn(member);
  const answer = await request("POST", "/team/web/prod/reveal-secrets", { cookie, form: { csrf: await csrf(cookie) } });
  expect(answer.status).toBe(200);
  expect(answer.body).toContain('id="reveal-unavailable"');
  expect(answer.body).toContain("cannot decrypt");
  expect(answer.body).toContain("pulumi stack output --show-secrets");
  expect(answer.body).toContain("<code>[secret]</code>");
});

it("the update page: facts, resource changes, and the engine events log as sent, escaped and paged", async () => {
  const events = Array.from({ length: 149 }, (_, i) => ({ sequence: i + 1, timestamp: 1_700_000_100 + i, diagnosticEvent: { message: i === 0 ? "<b>careful</b>" : `line ${i}`, severity: "info" } }));
  events.push({ sequence: 150, timestamp: 1_700_000_300, summaryEvent: { resourceChanges: { create: 2, update: 1, same: 3, delete: 0 } } } as never);
  await runUpdate("web", "staging", MARKUP, events);
  const cookie = await signIn(viewer);
  const page = await request("GET", "/team/web/staging/updates/2", { cookie });
  expect(page.status).toBe(200);
  expect(page.body).toContain('<dd id="kind">update</dd>');
  expect(page.body).toContain('<dd id="user">max</dd>');
  expect(page.body).toMatch(/<dd id="duration">\d+s<\/dd>/);
  expect(page.body).toContain('<p id="message">&#60;script&#62;alert(&#34;out&#34;)&#60;/script&#62;</p>');
  expect(page.body).toContain('<dt>created</dt><dd id="changes-create">2</dd>');
  expect(page.body).toContain('<dt>updated</dt><dd id="changes-update">1</dd>');
  expect(page.body).toContain('<dt>same</dt><dd id="changes-same">3</dd>');
  expect(page.body).not.toContain('id="changes-delete"');
  expect(page.body).toContain('<p id="events-count">Events 1–100 of 150.</p>');
  expect(page.body).toContain('<li class="event" id="event-1"><div class="event-head"><span class="event-seq">#1</span> <time datetime="2023-11-14T22:15:00Z">2023-11-14T22:15:00Z</time> <span class="event-type">diagnosticEvent</span>');
  expect(page.body).toContain("&#60;b&#62;careful&#60;/b&#62;");
  expect(page.body).not.toContain("<b>careful");
  expect(page.body).not.toContain('id="event-101"');
  expect(page.body).toContain('<a id="events-older" href="/team/web/staging/updates/2?page=2">');
  const second = await request("GET", "/team/web/staging/updates/2?page=2", { cookie });
  expect(second.body).toContain('<p id="events-count">Events 101–150 of 150.</p>');
  expect(second.body).toContain('<span class="event-type">summaryEvent</span>');
  // Breadcrumbs: organization → project → stack.
  expect(page.body).toContain('<a href="/">Stacks</a> / <a href="/team">team</a> / <a href="/team?project=web">web</a> / <a href="/team/web/staging">staging</a>');
});

it("restore: a viewer sees no button and is refused; a form without the anti-forgery token changes nothing; a member's restore is a NEW update equal to the version, history kept", async () => {
  const historyOf = async () => (await fixture.call("GET", `/api/stacks/${ORG}/app/dev/updates?pageSize=50`, undefined, member)).body.updates as Array<Record<string, unknown>>;
  const before = await historyOf();
  expect(before.map((entry) => entry.version)).toEqual([2, 1]);
  const viewerCookie = await signIn(viewer);
  expect((await request("GET", "/team/app/dev/updates/1", { cookie: viewerCookie })).body).not.toContain('id="restore-version"');
  expect((await request("POST", "/team/app/dev/updates/1/restore", { cookie: viewerCookie, form: { csrf: await csrf(viewerCookie) } })).status).toBe(403);
  const cookie = await signIn(member);
  expect((await request("GET", "/team/app/dev/updates/1", { cookie })).body).toContain('<button id="restore-version"');
  expect((await request("POST", "/team/app/dev/updates/1/restore", { cookie, form: {} })).status).toBe(403);
  expect((await request("POST", "/team/app/dev/updates/1/restore", { cookie, form: { csrf: "forged" } })).status).toBe(403);
  expect(await historyOf()).toEqual(before);

  const restored = await request("POST", "/team/app/dev/updates/1/restore", { cookie, form: { csrf: await csrf(cookie) } });
  expect(restored.status).toBe(303);
  expect(restored.location).toBe("/team/app/dev/updates/3");
  const after = await historyOf();
  expect(after.map((entry) => entry.version)).toEqual([3, 2, 1]);
  expect(after.slice(1)).toEqual(before);
  expect(after[0]).toMatchObject({ kind: "import", user: "max", result: "succeeded" });
  const resourcesOf = async (path: string) => (await fixture.call("GET", `/api/stacks/${ORG}/app/dev/${path}`, undefined, member)).body.deployment.resources;
  expect(await resourcesOf("export/3")).toEqual(SAMPLE.deployment.resources);
  expect(await resourcesOf("export")).toEqual(SAMPLE.deployment.resources);
  expect(await resourcesOf("export/2")).toEqual([]);
  const page = await request("GET", restored.location, { cookie });
  expect(page.body).toContain('<dd id="kind">import</dd>');
  expect(page.body).toContain('<dd id="user">max</dd>');
});

it("a running update shows on the stack page (from the stack's lease) and its list row says running, then how it ended", async () => {
  const path = `/api/stacks/${ORG}/app/prod/update`;
  const created = await fixture.call("POST", path, { metadata: { message: "in flight" } }, member);
  expect((await fixture.call("POST", `${path}/${created.body.updateID}`, {}, member)).status).toBe(200);
  const cookie = await signIn(viewer);
  const page = await request("GET", "/team/app/prod", { cookie });
  expect(page.body).toMatch(/<dd id="running">update by max, started \d{4}-/);
  expect((await request("GET", "/team?q=app/prod", { cookie })).body).toContain('by max <span class="badge warn">running</span>');
  expect((await fixture.call("POST", `/api/stacks/${ORG}/app/prod/cancel`, {}, member)).status).toBe(200);
  expect((await request("GET", "/team/app/prod", { cookie })).body).toContain('<dd id="not-running">nothing</dd>');
  // The same history entry, ended in place (no new version): the list follows it.
  expect((await request("GET", "/team?q=app/prod", { cookie })).body).toContain('update #2</a> by max <span class="badge bad">failed</span>');
});
