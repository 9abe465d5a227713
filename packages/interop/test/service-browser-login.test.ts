import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterEach, beforeEach, expect, it } from "vitest";
import { api } from "@cairn/server/testing";
import { chromiumLaunchOptions, freshChromiumProfile } from "@cairn/test-servers/chromium";
import { peer } from "@cairn/test-servers/peers";
import { startInPty, type PtyProcess } from "@cairn/test-servers/pty";
import { serviceSuite, type ServiceWorld } from "./service-world.js";

// The real `pulumi login <cairn-server>` at a terminal with no token: ENTER starts Pulumi's browser
// login, its browser hook (xdg-open) hands the URL to headless Chromium, which signs in on the
// server's page; the server sends the browser with a new token to the CLI's loopback listener.
const suite = serviceSuite("file");

let browser: BrowserContext | undefined;
let profile = "";
/** The test's `pulumi login`, ended after the test whether or not it finished. */
let running: PtyProcess | undefined;

// Each test's browser starts with a fresh profile: no session cookie from the test before.
beforeEach(async () => {
  profile = freshChromiumProfile();
  browser = await chromium.launchPersistentContext(profile, chromiumLaunchOptions());
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await browser?.close();
  browser = undefined;
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const plain = (text: string) => text.replace(ANSI, "").replace(/\r/g, "");

interface BrowserLogin {
  cli: PtyProcess;
  /** The URL the CLI gave its browser hook, once it did. */
  opened(): Promise<URL>;
}

/**
 * `pulumi login <server>` on a pseudo-terminal, without PULUMI_ACCESS_TOKEN, ENTER pressed at the
 * prompt. PULUMI_CONSOLE_DOMAIN names the server: without it Pulumi knows no console for a
 * self-hosted URL and offers no browser login at all.
 */
async function startBrowserLogin(w: ServiceWorld): Promise<BrowserLogin> {
  const hookDir = join(w.root, "browser-hook");
  const openedFile = join(w.root, "opened-url");
  mkdirSync(hookDir);
  // github.com/pkg/browser runs the first of xdg-open, x-www-browser, www-browser on PATH with the URL.
  writeFileSync(join(hookDir, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$1" > '${openedFile}.part' && mv '${openedFile}.part' '${openedFile}'\n`);
  chmodSync(join(hookDir, "xdg-open"), 0o755);
  const cli = (running = startInPty(peer("pulumi").pulumi, ["login", w.server.url], {
    cwd: w.project,
    env: {
      PATH: `${hookDir}:${process.env.PATH ?? ""}`,
      HOME: w.root,
      PULUMI_HOME: w.home,
      PULUMI_CONSOLE_DOMAIN: new URL(w.server.url).host,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // A CI runner's variables would make Pulumi treat the terminal as non-interactive.
      PULUMI_DISABLE_CI_DETECTION: "1",
      NO_COLOR: "1",
    },
  }));
  // The prompt (a terminal widget, drawn once it reads keys): ENTER chooses the browser.
  await cli.waitFor(/user\/settings\/tokens/);
  expect(plain(cli.output())).toContain(`Press <ENTER> to log in with your browser, or\npaste an access token from ${w.server.url}/user/settings/tokens`);
  cli.type("\r");
  await cli.waitFor(/Waiting for login to complete/);
  return {
    cli,
    opened: async () => {
      await expect.poll(() => existsSync(openedFile), { timeout: 20_000, message: "the CLI never ran its browser hook" }).toBe(true);
      return new URL(readFileSync(openedFile, "utf8").trim());
    },
  };
}

function storedToken(w: ServiceWorld): string | undefined {
  const file = join(w.home, "credentials.json");
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { accessTokens?: Record<string, string> }).accessTokens?.[w.server.url];
}

it("pulumi login, ENTER: Chromium signs in on cairn-server, the CLI gets a new token of its own (checked against its nonce), whoami names the user", async () => {
  const w = await suite.open({ login: false });
  const login = await startBrowserLogin(w);
  const url = await login.opened();
  expect(`${url.origin}${url.pathname}`).toBe(`${w.server.url}/cli-login`);
  const port = url.searchParams.get("cliSessionPort") as string;
  const nonce = url.searchParams.get("cliSessionNonce") as string;
  expect(nonce).toMatch(/^[0-9a-f]{64}$/);

  // The CLI's listener takes a token only with its nonce: a forged hand-off is refused, the CLI keeps waiting.
  const forged = await fetch(`http://127.0.0.1:${port}/?${new URLSearchParams({ accessToken: "pul-forged", nonce: "0".repeat(64) })}`, { redirect: "manual" });
  expect(forged.status).toBe(400);
  const noToken = await fetch(`http://127.0.0.1:${port}/?${new URLSearchParams({ nonce })}`, { redirect: "manual" });
  expect(noToken.status).toBe(400);

  const page = await (browser as BrowserContext).newPage();
  await page.goto(url.href);
  expect(await page.textContent("h1")).toContain("Sign in to cairn");
  expect(await page.textContent("#cli-description")).toContain("Generated by pulumi login");
  await page.fill("#token", w.token);
  // Sign-in → 303 to the CLI's listener → 307 to the console's /welcome/cli, which is this server's page.
  await Promise.all([page.waitForURL(`${w.server.url}/welcome/cli`), page.click("#sign-in")]);
  expect(await page.textContent("#message")).toContain("you can close this tab");
  await page.close();

  expect(await login.cli.exited).toBe(0);
  const output = plain(login.cli.output());
  expect(output).toContain("We've launched your web browser to complete the login process.");
  expect(output).toMatch(new RegExp(`Logged in to \\S+ as ${w.user} `));

  const stored = storedToken(w) as string;
  expect(stored).toMatch(/^pul-/);
  expect(stored).not.toBe(w.token);
  expect(stored).not.toBe("pul-forged");
  const user = await api(w.server.url, "GET", "/api/user", stored);
  expect(user.status).toBe(200);
  expect(user.body).toMatchObject({ githubLogin: w.user, tokenInfo: { name: expect.stringMatching(/^Generated by pulumi login on /) } });
  // The stored token is what the CLI now uses: no token in the environment.
  expect(w.pulumiOk(["whoami"], { env: { PULUMI_ACCESS_TOKEN: undefined } }).trim()).toBe(w.user);

  for (const secret of [w.token, stored, nonce]) {
    expect(output).not.toContain(secret);
    expect(w.server.logs()).not.toContain(secret);
  }
});

it("signing in with a revoked or unknown token shows the error on the page, mints nothing, and the CLI is still waiting", async () => {
  const w = await suite.open({ login: false });
  const issued = await api(w.server.url, "POST", `/api/admin/users/${w.user}/tokens`, w.server.adminToken, { description: "soon revoked" });
  const revoked = issued.body.tokenValue as string;
  expect((await api(w.server.url, "DELETE", `/api/user/tokens/${issued.body.id}`, w.token)).status).toBe(200);
  const tokensBefore = (await api(w.server.url, "GET", "/api/user/tokens", w.token)).body.tokens as unknown[];

  const login = await startBrowserLogin(w);
  let ended = false;
  void login.cli.exited.then(() => (ended = true));
  const page = await (browser as BrowserContext).newPage();
  await page.goto((await login.opened()).href);
  for (const token of [revoked, "pul-0000000000000000000000000000000000000000"]) {
    await page.fill("#token", token);
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST" && r.url() === `${w.server.url}/login`), page.click("#sign-in")]);
    expect(response.status()).toBe(401);
    await page.waitForLoadState("load");
    expect(page.url()).toBe(`${w.server.url}/login`);
    expect(await page.textContent("#error")).toContain("not valid or has been revoked");
    // The page keeps the CLI's request, so a right token on the next try still completes the login.
    expect(await page.getAttribute('input[name="cliSessionNonce"]', "value")).toMatch(/^[0-9a-f]{64}$/);
  }
  await page.close();

  expect((await api(w.server.url, "GET", "/api/user/tokens", w.token)).body.tokens).toEqual(tokensBefore);
  expect(ended).toBe(false);
  expect(plain(login.cli.output())).not.toContain("Logged in");
  await login.cli.stop();
  expect(storedToken(w)).toBeUndefined();
});

it("pulumi login, token pasted at the prompt: stored for the server, never echoed, whoami names the user", async () => {
  const w = await suite.open({ login: false });
  const cli = (running = startInPty(peer("pulumi").pulumi, ["login", w.server.url], {
    cwd: w.project,
    env: { PATH: process.env.PATH ?? "", HOME: w.root, PULUMI_HOME: w.home, PULUMI_CONSOLE_DOMAIN: new URL(w.server.url).host, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DISABLE_CI_DETECTION: "1", NO_COLOR: "1" },
  }));
  await cli.waitFor(/user\/settings\/tokens/);
  cli.type(`${w.token}\r`);
  expect(await cli.exited).toBe(0);
  const output = plain(cli.output());
  expect(output).toMatch(new RegExp(`Logged in to \\S+ as ${w.user} `));
  expect(output).not.toContain(w.token);
  expect(storedToken(w)).toBe(w.token);
  expect(w.pulumiOk(["whoami"], { env: { PULUMI_ACCESS_TOKEN: undefined } }).trim()).toBe(w.user);
});
