#!/usr/bin/env node
// Screenshots of every page of cairn-server's web console, at a desktop and a phone width, into
// docs/console/screenshots/<page>-<desktop|phone>.png. The data is real: a server on a temporary
// store, an organization with three members, stacks updated by the real Pulumi CLI (the interop
// driver from `scripts/peers.sh`, when it has been built) and a stack of many resources.
// Usage: pnpm exec turbo run build && bash scripts/peers.sh && node scripts/console-screenshots.mjs
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { call, seedBigStack, seedManyStacks } from "../bench/lib/console-seed.mjs";
import { ROOT, signedInBrowser, startConsoleWorld } from "../bench/lib/console-world.mjs";

const OUT = join(ROOT, "docs/console/screenshots");
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const ORG = "acme";

mkdirSync(OUT, { recursive: true });
const world = await startConsoleWorld();
try {
  await world.user("alice");
  await world.user("bob");
  await call(world.url, world.admin, "POST", "/api/orgs", { name: ORG });
  await call(world.url, world.admin, "PUT", `/api/orgs/${ORG}/members/alice`, { role: "member" });
  await call(world.url, world.admin, "PUT", `/api/orgs/${ORG}/members/bob`, { role: "viewer" });
  const updated = pulumiUpdates(world);
  await seedManyStacks(world.url, world.admin, ORG, 11, { projects: 3 });
  await seedBigStack(world.url, world.admin, ORG, "platform", "prod", 60);
  // A token the tokens page lists (its secret is not shown there).
  await call(world.url, world.admin, "POST", "/api/user/tokens", { description: "ci deploys" });

  const stack = updated ? `/${ORG}/interop/website` : `/${ORG}/platform/prod`;
  const pages = [
    ["sign-in", "/login", { signedOut: true }],
    ["stacks", "/"],
    ["stacks-filtered", "/?tag=team%3Dweb"],
    ["organizations", "/orgs"],
    ["organization", `/${ORG}`],
    ["stack", stack],
    ["stack-big-tree", `/${ORG}/platform/prod`],
    ["stack-resource-search", `/${ORG}/platform/prod?q=bucket-3`],
    ["update", `${stack}/updates/${updated ? 2 : 1}`],
    ["tokens", "/user/settings/tokens"],
    ["members", `/${ORG}/settings/members`],
    ["audit-log", `/${ORG}/settings/audit-log`],
    ["site-admin-users", "/site-admin/users"],
  ];
  const written = [];
  for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
    const { browser, context, page } = await signedInBrowser(world.url, world.admin, viewport);
    const signedOut = await (await browser.newContext({ viewport })).newPage();
    for (const [name, path, options = {}] of pages) {
      const tab = options.signedOut ? signedOut : page;
      const answer = await tab.goto(`${world.url}${path}`, { waitUntil: "load" });
      if (answer === null || answer.status() >= 400) console.error(`warning: ${path} answered ${answer?.status()}`);
      // The resource tree lays out only rows near the screen (content-visibility); a full-page picture needs them all.
      await tab.addStyleTag({ content: ".tree ul>li{content-visibility:visible!important}" });
      const file = join(OUT, `${name}-${viewportName}.png`);
      await tab.screenshot({ path: file, fullPage: true });
      written.push(file);
    }
    await context.close();
    await browser.close();
  }
  console.log(`${written.length} screenshots in ${OUT}`);
} finally {
  await world.dispose();
}

/**
 * Two real `pulumi up`s of the interop driver's program on `acme/interop/website` (3, then 5
 * components), so the update page shows the engine's own events. False when the peers are not built.
 */
function pulumiUpdates(world) {
  const manifest = join(ROOT, ".peers/pulumi.json");
  if (!existsSync(manifest)) {
    console.error("warning: .peers/pulumi.json is missing (run `bash scripts/peers.sh`): no real Pulumi updates in the screenshots");
    return false;
  }
  const pulumi = JSON.parse(readFileSync(manifest, "utf8"));
  const project = join(world.scratch, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "Pulumi.yaml"), "name: interop\nruntime: go\n");
  const env = {
    PATH: process.env.PATH,
    HOME: world.scratch,
    PULUMI_HOME: join(world.scratch, "pulumi-home"),
    PULUMI_ACCESS_TOKEN: world.admin,
    PULUMI_CONSOLE_DOMAIN: new URL(world.url).host,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NO_COLOR: "1",
  };
  const run = (command, args) => {
    const result = spawnSync(command, args, { cwd: project, env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  };
  run(pulumi.pulumi, ["login", world.url]);
  run(pulumi.pulumi, ["stack", "init", `${ORG}/interop/website`]);
  run(pulumi.pulumi, ["stack", "tag", "set", "team", "web", "--stack", `${ORG}/interop/website`]);
  for (const components of [3, 5]) {
    run(pulumi.driver, ["up", "--pulumi-root", pulumi.root, "--dir", project, "--stack", `${ORG}/interop/website`, "--components", String(components)]);
  }
  return true;
}
