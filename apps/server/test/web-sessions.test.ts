import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, expect, it } from "vitest";
import { openDataStore } from "../src/data-store.js";
import { silentLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server.js";
import { parseMasterKey } from "../src/state/master-key.js";
import { api, TEST_MASTER_KEY } from "../src/testing.js";
import { webClient } from "./web-client.js";

const ADMIN = `pul-${"cd".repeat(20)}`;
const HOUR = 60 * 60 * 1000;
let server: RunningServer | undefined;
let root = "";
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A server in this process over a file store, on a clock the test moves. */
async function serverOnClock(clock: { now: number }) {
  root = mkdtempSync(join(tmpdir(), "cairn-server-sessions-"));
  const store = await openDataStore(pathToFileURL(join(root, "data")).href, {}, root);
  server = await startServer({ store, masterKeys: { current: parseMasterKey(TEST_MASTER_KEY, "test"), previous: [] }, adminToken: ADMIN, logger: silentLogger, now: () => clock.now });
  return webClient(() => server!.url);
}

function cookieSecret(cookie: string): string {
  return decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
}

it("the session cookie opens the web pages only: the API and the CLI refuse it as a token", async () => {
  const web = await serverOnClock({ now: Date.now() });
  const cookie = await web.signIn(ADMIN);
  expect((await web.request("GET", "/", { cookie })).status).toBe(200);
  const asToken = await api(server!.url, "GET", "/api/user", cookieSecret(cookie));
  expect(asToken.status).toBe(401);
  // Signing in minted no API token either (the admin's list holds only what it had).
  const tokens = await api(server!.url, "GET", "/api/user/tokens", ADMIN);
  expect(JSON.stringify(tokens.body)).not.toContain("web session");
});

it("a session ends on the server's clock after 12 hours, whatever the browser keeps, and its record is removed", async () => {
  const clock = { now: Date.parse("2026-12-01T08:00:00Z") };
  const web = await serverOnClock(clock);
  const cookie = await web.signIn(ADMIN);
  clock.now += 11 * HOUR;
  expect((await web.request("GET", "/", { cookie })).status).toBe(200);
  clock.now += 1 * HOUR + 1000;
  const expired = await web.request("GET", "/", { cookie });
  expect(expired.status).toBe(303);
  expect(expired.location).toBe("/login");
  expect(sessionRecords()).toEqual([]);
  // A fresh sign-in on the same clock works again.
  expect((await web.request("GET", "/", { cookie: await web.signIn(ADMIN) })).status).toBe(200);
});

it("only the secret's digest is stored, and signing out deletes the record", async () => {
  const web = await serverOnClock({ now: Date.now() });
  const cookie = await web.signIn(ADMIN);
  const records = sessionRecords();
  expect(records).toHaveLength(1);
  const stored = readFileSync(records[0] as string, "utf8");
  expect(stored).toContain('"user":"admin"');
  expect(stored).not.toContain(cookieSecret(cookie));
  expect(records[0]).not.toContain(cookieSecret(cookie));
  expect((await web.request("POST", "/logout", { cookie, form: { csrf: await web.csrf(cookie) } })).status).toBe(303);
  expect(sessionRecords()).toEqual([]);
  expect((await web.request("GET", "/", { cookie })).location).toBe("/login");
});

function sessionRecords(): string[] {
  const dir = join(root, "data", "server", "web-sessions");
  try {
    return readdirSync(dir).filter((name) => name.endsWith(".json")).map((name) => join(dir, name));
  } catch {
    return [];
  }
}

it("a user sees their browser sessions and ends them: one, every other, or this one (signing out); never another user's", async () => {
  const clock = { now: Date.now() };
  const web = await serverOnClock(clock);
  const laptop = await web.signIn(ADMIN);
  clock.now += 1000;
  const phone = await web.signIn(ADMIN);
  clock.now += 1000;
  const tablet = await web.signIn(ADMIN);
  const listed = await web.request("GET", "/user/settings/sessions", { cookie: laptop });
  expect(listed.status).toBe(200);
  expect(listed.body.match(/data-session="/g)).toHaveLength(3);
  expect(listed.body).toContain("this browser");
  for (const cookie of [laptop, phone, tablet]) expect(listed.body).not.toContain(cookieSecret(cookie));

  // Without the form's anti-forgery token nothing ends.
  expect((await web.request("POST", "/user/settings/sessions/end-others", { cookie: laptop, form: {} })).status).toBe(403);
  expect((await web.request("GET", "/", { cookie: phone })).status).toBe(200);

  // Ending one session by its id signs that browser out only.
  const csrf = await web.csrf(laptop);
  const sessions = (await web.request("GET", "/user/settings/sessions", { cookie: laptop })).body;
  const ids = [...sessions.matchAll(/data-session="([0-9a-f]{16})"/g)].map((m) => m[1] as string);
  const laptopId = /<tr data-session="([0-9a-f]{16})">(?:(?!<\/tr>)[\s\S])*this browser/.exec(sessions)?.[1] as string;
  expect(ids).toContain(laptopId);
  const [otherId] = ids.filter((id) => id !== laptopId);
  expect((await web.request("POST", "/user/settings/sessions/end", { cookie: laptop, form: { csrf, id: otherId as string } })).location).toBe("/user/settings/sessions?ended=one");
  const openAfter = await Promise.all([phone, tablet].map(async (cookie) => (await web.request("GET", "/", { cookie })).status));
  expect(openAfter.sort()).toEqual([200, 303]);

  // Every other session: only this browser stays signed in.
  expect((await web.request("POST", "/user/settings/sessions/end-others", { cookie: laptop, form: { csrf } })).status).toBe(303);
  for (const cookie of [phone, tablet]) expect((await web.request("GET", "/", { cookie })).location).toBe("/login");
  expect((await web.request("GET", "/", { cookie: laptop })).status).toBe(200);

  // Another user's session is out of reach even by its id.
  await api(server!.url, "POST", "/api/admin/users", ADMIN, { name: "eve" });
  const eveToken = (await api(server!.url, "POST", "/api/admin/users/eve/tokens", ADMIN, { description: "x" })).body.tokenValue as string;
  const eve = await web.signIn(eveToken);
  expect((await web.request("POST", "/user/settings/sessions/end", { cookie: eve, form: { csrf: await web.csrf(eve), id: laptopId } })).status).toBe(303);
  expect((await web.request("GET", "/", { cookie: laptop })).status).toBe(200);

  // This browser's own session: ending it is signing out.
  expect((await web.request("POST", "/user/settings/sessions/end", { cookie: laptop, form: { csrf, id: laptopId } })).location).toBe("/login");
  expect((await web.request("GET", "/", { cookie: laptop })).location).toBe("/login");
});
