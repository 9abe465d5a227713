import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { api } from "@cairn/server/testing";
import { expect, it } from "vitest";
import { serviceSuite, type ServiceWorld } from "./service-world.js";

// The console links the real Pulumi CLI prints for a cairn-server stack (with PULUMI_CONSOLE_DOMAIN
// naming the server, as for any self-hosted service) open the server's own pages.
const suite = serviceSuite("file");

/** A browser session on the server: the cookie from signing in with `token`. */
async function signIn(w: ServiceWorld, token = w.token): Promise<string> {
  const response = await page(`${w.server.url}/login`, { method: "POST", form: { token } });
  expect(response.status).toBe(303);
  return response.setCookie.split(";")[0] as string;
}

async function get(url: string, cookie?: string): Promise<{ status: number; location: string; body: string }> {
  return page(url, cookie === undefined ? {} : { cookie });
}

/**
 * One request on a fresh connection, redirects not followed. A pooled keep-alive connection can be
 * closed by the server at the very moment it is reused after an idle `pulumi` run ("other side
 * closed"), which says nothing about the pages.
 */
function page(url: string, options: { method?: string; form?: Record<string, string>; cookie?: string }): Promise<{ status: number; location: string; setCookie: string; body: string }> {
  const body = options.form === undefined ? undefined : new URLSearchParams(options.form).toString();
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (body !== undefined) Object.assign(headers, { "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ""), setCookie: String(res.headers["set-cookie"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

it("`pulumi stack` links to the stack's page on the server; signed in, it shows the stack, its outputs and its history", async () => {
  const w = await suite.open({ stack: "dev" });
  const env = { PULUMI_CONSOLE_DOMAIN: new URL(w.server.url).host };

  // A small deployment: the root stack resource with one output, imported as version 1.
  const exported = JSON.parse(w.pulumiOk(["stack", "export"], { env })) as { version: number; deployment: Record<string, unknown> };
  exported.deployment.resources = [
    { urn: `urn:pulumi:dev::${w.projectName}::pulumi:pulumi:Stack::${w.projectName}-dev`, custom: false, type: "pulumi:pulumi:Stack", outputs: { greeting: "hello from the stack page" } },
  ];
  const file = join(w.root, "small.json");
  writeFileSync(file, JSON.stringify(exported));
  expect(w.pulumiOk(["stack", "import", "--file", file], { env })).toContain("Import complete.");

  const shown = w.pulumiOk(["stack"], { env });
  const stackUrl = /More information at: (\S+)/.exec(shown)?.[1];
  expect(stackUrl, shown).toBe(`${w.server.url}/${w.user}/${w.projectName}/dev`);

  // Without a session the link asks to sign in, and comes back.
  const signedOut = await get(stackUrl as string);
  expect(signedOut.status).toBe(303);
  expect(signedOut.location).toBe(`/login?next=${encodeURIComponent(`/${w.user}/${w.projectName}/dev`)}`);

  const cookie = await signIn(w);
  const page = await get(stackUrl as string, cookie);
  expect(page.status).toBe(200);
  expect(page.body).toContain('<span id="stack">dev</span>');
  expect(page.body).toContain(`<span id="org">${w.user}</span>`);
  expect(page.body).toContain('<dd id="resource-count">1</dd>');
  expect(page.body).toContain('<th scope="row" class="output-name">greeting</th><td class="output-value"><code>hello from the stack page</code></td>');
  const updateLink = `/${w.user}/${w.projectName}/dev/updates/1`;
  expect(page.body).toContain(`<a href="${updateLink}">1</a></td><td>import</td><td><span class="badge ok">succeeded</span></td><td>${w.user}</td>`);

  const update = await get(`${w.server.url}${updateLink}`, cookie);
  expect(update.status).toBe(200);
  expect(update.body).toContain('<dd id="kind">import</dd>');
  expect(update.body).toContain('<dd id="result"><span class="badge ok">succeeded</span></dd>');

  // Another user, signed in, does not see this stack: the same 404 as the API gives.
  expect((await api(w.server.url, "POST", "/api/admin/users", w.server.adminToken, { name: `${w.user}-other` })).status).toBe(200);
  const otherToken = (await api(w.server.url, "POST", `/api/admin/users/${w.user}-other/tokens`, w.server.adminToken, {})).body.tokenValue as string;
  expect((await get(stackUrl as string, await signIn(w, otherToken))).status).toBe(404);
});

it("an update's and a preview's \"View Live\" links open their pages on the server; the stack page masks the CLI's service-encrypted secret until the user reveals it", async () => {
  const w = await suite.open({ stack: "dev" });
  const env = { PULUMI_CONSOLE_DOMAIN: new URL(w.server.url).host };
  const stack = `${w.user}/${w.projectName}/dev`;
  w.pulumiOk(["config", "set", "--secret", "secretValue", "hunter2-console-reveal"]);
  const up = w.drive("up", stack, { components: 1, env });
  expect(up.status, up.stderr).toBe(0);
  const updateUrl = /View Live: (\S+)/.exec(up.stderr)?.[1];
  expect(updateUrl, up.stderr).toBe(`${w.server.url}/${stack}/updates/1`);
  const preview = w.drive("preview", stack, { components: 2, env });
  expect(preview.status, preview.stderr).toBe(0);
  const previewUrl = /View Live: (\S+)/.exec(preview.stderr)?.[1] as string;
  expect(previewUrl, preview.stderr).toMatch(new RegExp(`^${w.server.url}/${stack}/previews/[0-9a-f-]{36}$`));

  const cookie = await signIn(w);
  const update = await get(updateUrl as string, cookie);
  expect(update.status).toBe(200);
  expect(update.body).toContain('<dd id="kind">update</dd>');
  expect(update.body).toContain(`<dd id="user">${w.user}</dd>`);
  expect(update.body).toContain('<dd id="result"><span class="badge ok">succeeded</span></dd>');
  expect(update.body).toContain('<dd id="resource-count">3</dd>');
  // The engine's events as the CLI sent them.
  expect(update.body).toMatch(/<p id="events-count">Events 1–\d+ of \d+\.<\/p>/);
  expect(update.body).toContain('<span class="event-type">summaryEvent</span>');

  const previewPage = await get(previewUrl, cookie);
  expect(previewPage.status).toBe(200);
  expect(previewPage.body).toContain(`<dd id="update-id">${previewUrl.split("/").at(-1)}</dd>`);
  expect(previewPage.body).toContain('<dd id="status">succeeded</dd>');

  // The secret output the real CLI encrypted through the server's secrets API: masked, then revealed.
  const stackPage = await get(`${w.server.url}/${stack}`, cookie);
  expect(stackPage.body).toContain('<th scope="row" class="output-name">configSecret</th><td class="output-value"><code>[secret]</code>');
  expect(stackPage.body).not.toContain("hunter2-console-reveal");
  const csrf = /name="csrf" value="([^"]+)"/.exec(stackPage.body)?.[1] as string;
  const revealed = await page(`${w.server.url}/${stack}/reveal-secrets`, { method: "POST", form: { csrf }, cookie });
  expect(revealed.status).toBe(200);
  expect(revealed.body).toContain('<th scope="row" class="output-name">configSecret</th><td class="output-value"><code>hunter2-console-reveal</code>');
});

it("`cairn stack ls --show-urls` prints the links `pulumi stack ls --json` prints; `history --show-urls` the update pages", async () => {
  const w = await suite.open({ stack: "dev" });
  const env = { PULUMI_CONSOLE_DOMAIN: new URL(w.server.url).host };
  const exported = JSON.parse(w.pulumiOk(["stack", "export"], { env })) as { version: number; deployment: Record<string, unknown> };
  const file = join(w.root, "empty.json");
  writeFileSync(file, JSON.stringify(exported));
  w.pulumiOk(["stack", "import", "--file", file], { env });

  const pulumiLs = JSON.parse(w.pulumiOk(["stack", "ls", "--json"], { env })) as Array<{ name: string; url?: string }>;
  const cairnLs = JSON.parse(w.cairnOk(["stack", "ls", "--json", "--show-urls"], { env })) as Array<{ name: string; url?: string }>;
  expect(pulumiLs.map((s) => s.url)).toEqual([`${w.server.url}/${w.user}/${w.projectName}/dev`]);
  expect(cairnLs.map((s) => s.url)).toEqual(pulumiLs.map((s) => s.url));

  // Pulumi's `stack history` prints no links; cairn's names each update's page (the server serves it: see above).
  const cairnHistory = JSON.parse(w.cairnOk(["stack", "history", "--json", "--show-urls"], { env })) as Array<{ version: number; url?: string }>;
  expect(cairnHistory.map((u) => u.url)).toEqual([`${w.server.url}/${w.user}/${w.projectName}/dev/updates/1`]);
});
