// A real cairn-server (apps/server/dist) on a temporary file:// store, with users and an
// organization, for the console's screenshots and its in-browser benchmark; and Debian's Chromium
// through playwright-core (the interop suite's copy), signed in as a user.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { call } from "./console-seed.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const requireFromInterop = createRequire(join(ROOT, "packages/interop/package.json"));

/** The server, its admin (a site admin) and a scratch directory removed by `dispose`. */
export async function startConsoleWorld() {
  const { spawnServer } = await import(join(ROOT, "apps/server/dist/testing.js"));
  const scratch = mkdtempSync(join(tmpdir(), "cairn-console-"));
  const server = await spawnServer({ data: `file://${join(scratch, "data")}`, home: join(scratch, "home"), logFile: join(scratch, "server.log") });
  return {
    scratch,
    server,
    url: server.url,
    admin: server.adminToken,
    /** A new user and a token of theirs. */
    async user(name) {
      await call(server.url, server.adminToken, "POST", "/api/admin/users", { name });
      return (await call(server.url, server.adminToken, "POST", `/api/admin/users/${name}/tokens`, { description: "console demo" })).tokenValue;
    },
    async dispose() {
      await server.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium (Debian's), and a page signed in to `url` with `token`. */
export async function signedInBrowser(url, token, viewport = { width: 1280, height: 900 }) {
  const { chromium } = requireFromInterop("playwright-core");
  const { chromiumLaunchOptions } = await import(join(ROOT, "packages/test-servers/dist/chromium.js"));
  const browser = await chromium.launch(chromiumLaunchOptions());
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.fill("#token", token);
  await Promise.all([page.waitForURL((target) => !target.pathname.startsWith("/login")), page.click("#sign-in")]);
  return { browser, context, page };
}
