// The web console in a real browser: how long Chromium takes to load (server answer, HTML parse,
// layout, the load event) the stacks page with 1,000 stacks and the page of a 5,000-resource
// stack, against the aim "within a second", and as a ratio to a baseline loaded by the same
// browser in the same run (the server's tiny /healthz answer). Median of BENCH_RUNS loads (7).
// Needs a build (`pnpm exec turbo run build`) and Debian's chromium.
import { generatedDeployment, seedBigStack, seedManyStacks } from "./lib/console-seed.mjs";
import { signedInBrowser, startConsoleWorld } from "./lib/console-world.mjs";

const AIM_MS = 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const STACKS = Number(process.env.BENCH_STACKS ?? 1000);
const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 5000);

const world = await startConsoleWorld();
let failed = false;
try {
  const org = "admin"; // the bootstrap admin's personal organization
  const seeded = Date.now();
  await seedManyStacks(world.url, world.admin, org, STACKS - 1, { onProgress: (done, all) => process.stderr.write(`seeded ${done}/${all} stacks\r`) });
  await seedBigStack(world.url, world.admin, org, "platform", "prod", RESOURCES);
  process.stderr.write(`\nseeded ${STACKS} stacks (one of ${RESOURCES} resources) in ${((Date.now() - seeded) / 1000).toFixed(1)} s\n`);

  // The deepest, last-listed resource: the stack page shows every resource, this one included.
  const lastResourceName = generatedDeployment("platform", "prod", RESOURCES).deployment.resources.at(-1).urn.split("::").at(-1);
  const { browser, page } = await signedInBrowser(world.url, world.admin);
  const pages = [
    { name: "baseline: /healthz", path: "/healthz" },
    { name: `stacks list (${STACKS} stacks)`, path: "/", aim: true, expect: (html) => (html.match(/href="\/admin\/project-\d+\/stack-\d+"/g) ?? []).length >= STACKS - 1 },
    { name: `stack page (${RESOURCES} resources)`, path: `/${org}/platform/prod`, aim: true, expect: (html) => html.includes(`>${lastResourceName}<`) },
  ];
  const times = pages.map(() => []);
  for (let run = 0; run < RUNS + 1; run++) {
    for (const [i, target] of pages.entries()) {
      await page.goto(`${world.url}${target.path}`, { waitUntil: "load" });
      const timing = await page.evaluate(() => {
        const [nav] = performance.getEntriesByType("navigation");
        return { load: nav.loadEventEnd - nav.startTime, bytes: nav.transferSize };
      });
      if (run === 0) {
        // The first round warms caches and checks the page is the real one (not an error page).
        if (target.expect && !target.expect(await page.content())) throw new Error(`${target.path} does not show what was seeded`);
        continue;
      }
      times[i].push(timing.load);
    }
  }
  await browser.close();
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const baseline = median(times[0]);
  console.log(`console in Chromium, median of ${RUNS} loads (navigation start → load event):`);
  for (const [i, target] of pages.entries()) {
    const ms = median(times[i]);
    const verdict = target.aim ? (ms < AIM_MS ? "pass" : "FAIL") : "";
    if (target.aim && ms >= AIM_MS) failed = true;
    console.log(`  ${target.name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / baseline).toFixed(1).padStart(6)}× baseline  ${target.aim ? `aim < ${AIM_MS} ms: ${verdict}` : ""}`);
  }
} finally {
  await world.dispose();
}
process.exit(failed ? 1 : 0);
