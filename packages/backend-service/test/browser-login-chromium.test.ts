import { rmSync } from "node:fs";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "@cairn/server/testing";
import { chromiumLaunchOptions, freshChromiumProfile } from "@cairn/test-servers/chromium";
import { createCliUser } from "./cli-runner.js";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

let fixture: ServerFixture;
let browser: BrowserContext | undefined;
let profile: string;
let carolToken: string;

beforeAll(async () => {
  fixture = await startServerFixture();
  expect((await api(fixture.server.url, "POST", "/api/admin/users", fixture.server.adminToken, { name: "carol" })).status).toBe(200);
  carolToken = (await api(fixture.server.url, "POST", "/api/admin/users/carol/tokens", fixture.server.adminToken, { description: "carol's" })).body.tokenValue;
});

/** Headless Chromium with a fresh profile (the user-data-dir); a missing browser fails the test, it does not skip. */
async function launchChromium(): Promise<BrowserContext> {
  profile = freshChromiumProfile();
  return chromium.launchPersistentContext(profile, chromiumLaunchOptions());
}

afterAll(async () => {
  await browser?.close();
  await fixture?.dispose();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

it("cairn login --browser: headless Chromium signs in on the server's page, the CLI gets a new token, whoami shows the user", async () => {
  browser = await launchChromium();
  const cli = createCliUser(fixture.root, "carol");
  // BROWSER=none: the test's Chromium opens the page, not xdg-open.
  const child = cli.start(["login", fixture.server.url, "--browser"], { BROWSER: "none" });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  await expect.poll(() => /(http:\/\/\S+\/cli-login\?\S+)/.exec(stderr)?.[1], { timeout: 20_000 }).toBeDefined();
  const loginUrl = /(http:\/\/\S+\/cli-login\?\S+)/.exec(stderr)?.[1] as string;

  const page = await browser.newPage();
  await page.goto(loginUrl);
  expect(await page.textContent("h1")).toContain("Sign in to cairn");
  await page.fill("#token", carolToken);
  await Promise.all([page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\//), page.click("#sign-in")]);
  expect(await page.textContent("#message")).toContain("You are logged in to cairn");

  expect(await exited).toBe(0);
  expect(stdout).toContain("as carol");
  const whoami = cli.run(["whoami", "-v"]);
  expect(whoami.status).toBe(0);
  expect(whoami.stdout).toContain("User: carol");
  expect(whoami.stdout).toContain("Credential source: stored (token pul-");

  // The browser now has a session: the server's page lists carol's (empty) stacks.
  await page.goto(fixture.server.url);
  expect(await page.textContent("#user")).toBe("carol");
  expect(await page.isVisible("#no-stacks")).toBe(true);
  await page.close();

  // The CLI was handed a token of its own, which appears nowhere in output or logs.
  const tokens = (await api(fixture.server.url, "GET", "/api/user/tokens", carolToken)).body.tokens as Array<{ description: string }>;
  // Signing in in the browser made a server-side session, not another API token.
  expect(tokens).toHaveLength(2);
  expect(tokens.map((t) => t.description)).toEqual(expect.arrayContaining(["carol's", expect.stringMatching(/^cairn login on /)]));
  for (const text of [stdout, stderr, whoami.stdout, fixture.server.logs()]) expect(text).not.toContain(carolToken);
}, 60_000);
