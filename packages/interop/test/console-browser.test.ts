/// <reference lib="dom" />
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "@cairn/server/testing";
import { chromiumLaunchOptions } from "@cairn/test-servers/chromium";
import { serviceSuite, type ServiceWorld } from "./service-world.js";

// The web console in headless Chromium, against a real cairn-server whose stacks the real Pulumi
// CLI updated: what a user does there, and what the CLI then sees.
const suite = serviceSuite("file");

let browser: Browser;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  browser = await chromium.launch(chromiumLaunchOptions());
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
});

/**
 * A fresh browser (no cookies) signed in with `token` on the sign-in page, as a person types it.
 * Every request it makes is recorded: the console must fetch nothing from anywhere else.
 */
async function signedIn(w: ServiceWorld, token: string): Promise<{ page: Page; requested: URL[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  const requested: URL[] = [];
  page.on("request", (request) => requested.push(new URL(request.url())));
  await page.goto(`${w.server.url}/login`);
  await page.locator("#token").fill(token);
  await Promise.all([page.waitForURL(`${w.server.url}/`), page.getByRole("button", { name: "Sign in" }).click()]);
  return { page, requested };
}

/** A new user of the server, with a token. */
async function newUser(w: ServiceWorld, name: string): Promise<string> {
  expect((await api(w.server.url, "POST", "/api/admin/users", w.server.adminToken, { name })).status).toBe(200);
  return (await api(w.server.url, "POST", `/api/admin/users/${name}/tokens`, w.server.adminToken, { description: "e2e" })).body.tokenValue as string;
}

it("sign in, open a stack from the list, find a resource by name, reveal a secret output, open an update and read its events, restore an older version", async () => {
  const w = await suite.open({ stack: "dev" });
  const stack = `${w.user}/interop/dev`;
  expect(w.drive("up", stack, { components: 3 }).status).toBe(0);
  expect(w.drive("up", stack, { components: 4 }).status).toBe(0);

  const { page, requested } = await signedIn(w, w.token);
  await page.getByRole("link", { name: "dev", exact: true }).click();
  await page.waitForURL(`${w.server.url}/${stack}`);
  await expect.poll(() => page.locator("h1").textContent()).toContain("dev");

  // Find a resource by name: the match and its parent stay, the others go.
  await page.getByLabel(/find.*resource|resource name|search/i).fill("c-2-part");
  await Promise.all([page.waitForURL(/\?q=c-2-part/), page.getByLabel(/find.*resource|resource name|search/i).press("Enter")]);
  const tree = page.locator("#resources");
  await expect.poll(() => tree.textContent()).toContain("c-2-part");
  expect(await tree.textContent()).toContain("c-2");
  expect(await tree.textContent()).not.toContain("c-1-part");

  // The stack's secret output is masked until a member reveals it.
  expect(await page.content()).not.toContain("output-secret-value");
  await page.getByRole("button", { name: /reveal/i }).click();
  await expect.poll(() => page.content()).toContain("output-secret-value");

  // The second update: what it changed, and the engine's events as the CLI sent them.
  await page.goto(`${w.server.url}/${stack}`);
  await page.getByRole("link", { name: "2", exact: true }).click();
  await page.waitForURL(`${w.server.url}/${stack}/updates/2`);
  expect((await page.locator("#kind").textContent())?.trim()).toBe("update");
  expect(await page.locator("#result").textContent()).toContain("succeeded");
  expect(await page.locator("#user").textContent()).toContain(w.user);
  // Update 2 grew the program from 3 components to 4: one component and its part created.
  expect(await page.locator("#changes").textContent()).toMatch(/2\s*created|created\s*2/i);
  const events = (await page.locator("#events").textContent()) ?? "";
  expect(events).toContain("resourcePreEvent");
  expect(events).toContain("c-3-part");
  expect(events).toContain("summaryEvent");

  // Roll back to version 1 from its page: a new update (3), never a rewrite; Pulumi reads the restored state.
  const before = JSON.parse(w.pulumiOk(["stack", "export", "--stack", stack, "--version", "1"])) as { deployment: { resources: unknown[] } };
  await page.goto(`${w.server.url}/${stack}/updates/1`);
  await Promise.all([page.waitForURL(`${w.server.url}/${stack}/updates/3`), page.locator("#restore-version").click()]);
  expect(await page.locator("#message").textContent()).toContain("restore of version 1");
  const now = JSON.parse(w.pulumiOk(["stack", "export", "--stack", stack])) as { deployment: { resources: unknown[] } };
  expect(now.deployment.resources).toEqual(before.deployment.resources);
  const history = JSON.parse(w.pulumiOk(["stack", "history", "--stack", stack, "--json"])) as Array<{ version: number; kind: string; message: string }>;
  expect(history.map((entry) => [entry.version, entry.kind])).toEqual([[3, "import"], [2, "update"], [1, "update"]]);
  expect(history[0]?.message).toBe("restore of version 1");

  // The audit log names who did it, and the two updates the CLI ran.
  await page.goto(`${w.server.url}/${w.user}/settings/audit-log`);
  const newest = (await page.locator("#audit-events tbody tr").first().textContent()) ?? "";
  expect(newest).toContain("stack.restore");
  expect(newest).toContain(w.user);
  expect(await page.locator("#audit-events").textContent()).toContain("update.complete");

  expect(requested.filter((url) => url.origin !== w.server.url)).toEqual([]);
});

it("create an access token on the tokens page, use it with the Pulumi CLI and cairn, revoke it, and see both refused", async () => {
  const w = await suite.open({ stack: "dev" });
  const { page } = await signedIn(w, w.token);
  await page.goto(`${w.server.url}/user/settings/tokens`);
  await page.locator("#token-description").fill("e2e laptop");
  await page.locator("#create-token").click();
  const token = ((await page.locator("#new-token").textContent()) ?? "").trim();
  expect(token).toMatch(/^pul-[0-9a-f]{40}$/);

  // The new token is a working credential for both CLIs, on a machine that has no other (its own PULUMI_HOME).
  const env = { PULUMI_ACCESS_TOKEN: token, PULUMI_HOME: join(w.root, "ci-machine-home") };
  w.pulumiOk(["login", w.server.url], { env });
  expect(w.pulumiOk(["whoami"], { env }).trim()).toBe(w.user);
  expect(w.pulumiOk(["stack", "ls", "--json"], { env })).toContain('"name": "dev"');
  w.cairnOk(["login", w.server.url], { env });
  expect(w.cairnOk(["stack", "ls", "--json"], { env })).toContain('"name": "dev"');

  // The list shows it by description (never its secret again), then revokes it.
  await page.goto(`${w.server.url}/user/settings/tokens`);
  expect(await page.content()).not.toContain(token);
  const row = page.locator("tr", { hasText: "e2e laptop" });
  expect(await row.getAttribute("class")).toContain("active");
  await Promise.all([page.waitForURL(/done=/), row.getByRole("button", { name: /revoke/i }).click()]);
  expect(await page.locator("tr", { hasText: "e2e laptop" }).getAttribute("class")).toContain("revoked");

  const refused = w.pulumi(["stack", "ls", "--json"], { env });
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toMatch(/401|invalid|revoked/i);
  const cairnRefused = w.cairn(["stack", "ls", "--json"], { env });
  expect(cairnRefused.status).toBe(7);
  expect(cairnRefused.stderr).toContain("invalid or has been revoked");
});

it("an organization admin changes a member's role on the members page; a viewer sees no controls and a forged form is refused", async () => {
  const w = await suite.open();
  const org = w.user; // the user's own organization: they are its admin
  const viewer = `v${w.user}`;
  const member = `m${w.user}`;
  const viewerToken = await newUser(w, viewer);
  const memberToken = await newUser(w, member);
  for (const [user, role] of [[viewer, "viewer"], [member, "member"]]) {
    expect((await api(w.server.url, "PUT", `/api/orgs/${org}/members/${user}`, w.token, { role })).status).toBe(200);
  }

  // The admin makes the member an admin.
  const admin = await signedIn(w, w.token);
  await admin.page.goto(`${w.server.url}/${org}/settings/members`);
  await admin.page.locator(`#role-${member}`).selectOption("admin");
  await Promise.all([admin.page.waitForURL(/done=role/), admin.page.locator(`#change-role-${member}`).click()]);
  expect(await admin.page.locator(`#role-${member}`).inputValue()).toBe("admin");
  // The API agrees: the new admin may now set roles.
  expect((await api(w.server.url, "PUT", `/api/orgs/${org}/members/${viewer}`, memberToken, { role: "viewer" })).status).toBe(200);

  // The viewer sees the members but no controls; posting the form anyway is refused and changes nothing.
  const seen = await signedIn(w, viewerToken);
  await seen.page.goto(`${w.server.url}/${org}/settings/members`);
  expect(await seen.page.locator("main").textContent()).toContain(member);
  expect(await seen.page.locator(`#role-of-${member}`).textContent()).toContain("admin");
  expect(await seen.page.locator("select").count()).toBe(0);
  const csrf = await seen.page.locator('input[name="csrf"]').first().inputValue();
  const forged = await seen.page.request.post(`${w.server.url}/${org}/settings/members/role`, { form: { csrf, user: member, role: "viewer" }, maxRedirects: 0 });
  expect(forged.status()).toBe(403);
  expect((await api(w.server.url, "PUT", `/api/orgs/${org}/members/${viewer}`, memberToken, { role: "viewer" })).status).toBe(200);
  expect((await api(w.server.url, "PUT", `/api/orgs/${org}/members/${member}`, viewerToken, { role: "viewer" })).status).toBe(403);
});

/**
 * What every console page owes a user whatever is on it, checked in the page itself: a language,
 * a title and one top heading; a name for every control (a label, or aria-label); headings that do
 * not skip a level; and at a phone's width nothing wider than the screen except inside a table's
 * own scrolling box.
 */
function pageProblems(): string[] {
  const problems: string[] = [];
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  if (!document.title.trim()) problems.push("no <title>");
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(`${h1s} <h1> elements`);
  let level = 1;
  for (const heading of Array.from(document.querySelectorAll("h1,h2,h3,h4"))) {
    const next = Number(heading.tagName.slice(1));
    if (next > level + 1) problems.push(`heading ${heading.tagName} "${heading.textContent?.trim()}" skips a level`);
    level = next;
  }
  for (const control of Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("input,select,textarea"))) {
    if (control.type === "hidden") continue;
    const named = (control.labels?.length ?? 0) > 0 || control.getAttribute("aria-label") || control.getAttribute("aria-labelledby");
    if (!named) problems.push(`unlabelled ${control.tagName.toLowerCase()} name=${control.name}`);
  }
  for (const button of Array.from(document.querySelectorAll("button"))) {
    if (!button.textContent?.trim() && !button.getAttribute("aria-label")) problems.push("a button without a name");
  }
  const width = document.documentElement.clientWidth;
  for (const element of Array.from(document.querySelectorAll<HTMLElement>("body *"))) {
    if (element.closest(".table-wrap, .events, pre")) continue;
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      problems.push(`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""} overflows the ${width}px screen (right edge ${Math.round(box.right)})`);
      break;
    }
  }
  return problems;
}

it("every console page, at desktop and phone widths: labelled controls, one h1, no overflow, a strict CSP, nothing fetched from elsewhere", async () => {
  const w = await suite.open({ stack: "dev" });
  const stack = `${w.user}/interop/dev`;
  expect(w.drive("up", stack, { components: 2 }).status).toBe(0);
  const paths = [
    "/",
    `/${w.user}`,
    `/${stack}`,
    `/${stack}?q=c-1`,
    `/${stack}/updates/1`,
    "/orgs",
    `/${w.user}/settings/members`,
    "/user/settings/tokens",
    "/user/settings/sessions",
    `/${w.user}/settings/audit-log`,
  ];
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 812 }]) {
    const { page, requested } = await signedIn(w, w.token);
    await page.setViewportSize(viewport);
    for (const path of [...paths, "/login"]) {
      const answer = await page.goto(`${w.server.url}${path}`);
      expect(answer?.status(), path).toBe(200);
      expect(answer?.headers()["content-security-policy"], path).toMatch(/^default-src 'none'/);
      expect(await page.evaluate(pageProblems), `${path} at ${viewport.width}px`).toEqual([]);
    }
    expect(requested.filter((url) => url.origin !== w.server.url)).toEqual([]);
  }
  // The site admin's pages, as the server's admin.
  const { page } = await signedIn(w, w.server.adminToken);
  for (const path of ["/site-admin/users", "/site-admin/audit-log", `/${w.user}/settings/audit-log`]) {
    expect((await page.goto(`${w.server.url}${path}`))?.status(), path).toBe(200);
    expect(await page.evaluate(pageProblems), path).toEqual([]);
  }
});
