import { afterAll, beforeAll, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { createCliUser, SAMPLE_DEPLOYMENT } from "./cli-runner.js";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

let fixture: ServerFixture;
beforeAll(async () => {
  fixture = await startServerFixture();
});
afterAll(() => fixture?.dispose());

it("logs in with PULUMI_ACCESS_TOKEN, then works from the stored token: whoami, stack init/ls/select/import/export/history/rm, logout", () => {
  const cli = createCliUser(fixture.root, "alice");
  const url = fixture.server.url;

  const login = cli.run(["login", url, "--non-interactive"], { PULUMI_ACCESS_TOKEN: fixture.server.adminToken });
  expect(login.stderr).toBe("");
  expect(login.stdout).toContain("as admin");
  expect(login.status).toBe(0);
  const credentials = JSON.parse(readFileSync(join(cli.home, "credentials.json"), "utf8"));
  expect(credentials.current).toBe(url);
  expect(credentials.accessTokens[url]).toBe(fixture.server.adminToken);

  // From here on, no environment token: the stored credential is used.
  const whoami = cli.run(["whoami", "-v"]);
  expect(whoami.status).toBe(0);
  expect(whoami.stdout).toContain("User: admin");
  expect(whoami.stdout).toContain("Organizations: admin");
  expect(whoami.stdout).toContain(`Backend URL: ${url}`);
  expect(whoami.stdout).toContain("Credential source: stored (token pul-…)");
  expect(whoami.stdout).not.toContain(fixture.server.adminToken);

  expect(cli.run(["stack", "init", "dev", "--non-interactive"]).stdout).toBe("Created stack 'dev'\n");
  const ls = cli.run(["stack", "ls", "--json"]);
  expect(ls.status).toBe(0);
  expect(JSON.parse(ls.stdout)).toEqual([expect.objectContaining({ name: "dev", current: true })]);
  expect(cli.run(["stack", "select", "dev"]).status).toBe(0);

  const imported = cli.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT]);
  expect(imported.stderr).toBe("");
  expect(imported.status).toBe(0);
  const exported = cli.run(["stack", "export"]);
  expect(JSON.parse(exported.stdout)).toEqual(JSON.parse(readFileSync(SAMPLE_DEPLOYMENT, "utf8")));

  const history = cli.run(["stack", "history", "--json"]);
  expect(history.status).toBe(0);
  const updates = JSON.parse(history.stdout);
  expect(updates).toHaveLength(1);
  expect(updates[0]).toMatchObject({ kind: "import", result: "succeeded", version: 1, user: "admin" });

  const rm = cli.run(["stack", "rm", "dev", "--yes", "--force"]);
  expect(rm.status).toBe(0);
  expect(cli.run(["stack", "ls", "--json"]).stdout.trim()).toBe("[]");

  expect(cli.run(["logout"]).status).toBe(0);
  const after = cli.run(["whoami"]);
  expect(after.status).toBe(7); // Unauthenticated: no backend any more
});

it("refuses a bad token at login and stores nothing", () => {
  const cli = createCliUser(fixture.root, "mallory");
  const login = cli.run(["login", fixture.server.url, "--non-interactive"], { PULUMI_ACCESS_TOKEN: "pul-not-a-real-token-at-all" });
  expect(login.status).toBe(7);
  expect(login.stderr).toContain("invalid or has been revoked");
  expect(() => readFileSync(join(cli.home, "credentials.json"))).toThrow();
});

it("--non-interactive without any token fails with what to do, storing nothing", () => {
  const cli = createCliUser(fixture.root, "nobody");
  const login = cli.run(["login", fixture.server.url, "--non-interactive"]);
  expect(login.status).toBe(7);
  expect(login.stderr).toContain("PULUMI_ACCESS_TOKEN");
});

it("a second client updating a stack someone holds gets a Locked error naming the holder", async () => {
  const cli = createCliUser(fixture.root, "bob");
  expect(cli.run(["login", fixture.server.url], { PULUMI_ACCESS_TOKEN: fixture.server.adminToken }).status).toBe(0);
  expect(cli.run(["stack", "init", "busy", "--non-interactive"]).status).toBe(0);
  const holder = fixture.backend();
  const lock = await holder.lockStack({ organization: "organization", project: "demo", name: "busy" }, "update");
  try {
    const blocked = cli.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT, "--stack", "busy", "--force"]);
    expect(blocked.status).toBe(6);
    expect(blocked.stderr).toMatch(/locked by admin@\S+ pid \d+/);
  } finally {
    await lock.release();
    await holder.close();
  }
  expect(cli.run(["stack", "import", "--file", SAMPLE_DEPLOYMENT, "--stack", "busy", "--force"]).status).toBe(0);
});

it("--show-urls: stack ls and history name each stack's and update's console page, which the server serves; PULUMI_CONSOLE_DOMAIN moves them as it moves Pulumi's", async () => {
  const cli = createCliUser(fixture.root, "urls");
  const url = fixture.server.url;
  expect(cli.run(["login", url, "--non-interactive"], { PULUMI_ACCESS_TOKEN: fixture.server.adminToken }).status).toBe(0);
  expect(cli.run(["stack", "init", "dev", "--non-interactive"]).status).toBe(0);
  const imported = cli.run(["stack", "import", "--stack", "dev", "--file", SAMPLE_DEPLOYMENT]);
  expect(imported.stderr).toBe("");

  const ls = cli.run(["stack", "ls", "--json", "--show-urls"]);
  expect(ls.status).toBe(0);
  expect(JSON.parse(ls.stdout)).toContainEqual(expect.objectContaining({ name: "dev", url: `${url}/admin/demo/dev` }));
  const table = cli.run(["stack", "ls", "--show-urls"]);
  expect(table.stdout).toMatch(/NAME\s+LAST UPDATE\s+RESOURCE COUNT\s+URL/);
  expect(table.stdout).toContain(`${url}/admin/demo/dev`);
  const history = cli.run(["stack", "history", "--json", "--show-urls"]);
  expect(JSON.parse(history.stdout)).toEqual([expect.objectContaining({ version: 1, url: `${url}/admin/demo/dev/updates/1` })]);
  // Without the flag, Pulumi's shape: no url.
  expect(JSON.parse(cli.run(["stack", "ls", "--json"]).stdout)[0]).not.toHaveProperty("url");

  // The links are pages of this server: a signed-in browser gets each (a signed-out one is sent to sign in and back).
  const signIn = await browserRequest(`${url}/login`, { form: { token: fixture.server.adminToken } });
  const cookie = signIn.setCookie.split(";")[0] as string;
  for (const page of [`${url}/admin/demo/dev`, `${url}/admin/demo/dev/updates/1`]) {
    expect((await browserRequest(page, { cookie })).status, page).toBe(200);
    expect((await browserRequest(page, {})).location, page).toMatch(/^\/login\?next=/);
  }

  const moved = cli.run(["stack", "history", "--json", "--show-urls"], { PULUMI_CONSOLE_DOMAIN: "console.example.com:8443" });
  expect(JSON.parse(moved.stdout)[0].url).toBe(`${new URL(url).protocol}//console.example.com:8443/admin/demo/dev/updates/1`);
  expect(cli.run(["stack", "rm", "dev", "--yes", "--force"]).status).toBe(0);
});

/**
 * One browser-like request on a fresh connection, redirects not followed: a pooled keep-alive
 * connection may be closed by the server while the test blocks in spawnSync ("other side closed").
 */
function browserRequest(url: string, options: { form?: Record<string, string>; cookie?: string }): Promise<{ status: number; location: string; setCookie: string }> {
  const body = options.form === undefined ? undefined : new URLSearchParams(options.form).toString();
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (body !== undefined) Object.assign(headers, { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) });
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: body === undefined ? "GET" : "POST", headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ""), setCookie: String(res.headers["set-cookie"] ?? "") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
