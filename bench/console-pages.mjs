// The web console's two heaviest pages on a real cairn-server process (file store): the stack list
// with 1,000 stacks (each with an update in its history, tagged by turns) and the page of a
// 5,000-resource stack (a parent tree, seeded as `bench/lib/console-seed.mjs` describes). Each is
// the median of several GETs after a warm-up, printed with its ratio to baselines measured in the
// same run: `GET /healthz` (the HTTP floor) and the API's `GET /api/user/stacks` over the same
// stacks. Exits 1 when a page takes a second or more (issue 16's bar). Run after a build.
// `bench/console-render.mjs` times the same pages loaded in Chromium.
import { call, seedBigStack, seedManyStacks } from "./lib/console-seed.mjs";
import { startConsoleWorld } from "./lib/console-world.mjs";
import { median, printRatio } from "./lib/workload.mjs";

const STACKS = Number(process.env.BENCH_STACKS ?? 1_000);
const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 5_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LIMIT_MS = 1_000;
const ORG = "admin";

const world = await startConsoleWorld();
let failed = false;
try {
  const start = performance.now();
  await seedManyStacks(world.url, world.admin, ORG, STACKS);
  await seedBigStack(world.url, world.admin, ORG, "site", "big", RESOURCES);
  console.log(`console pages: ${STACKS + 1} stacks (setup ${((performance.now() - start) / 1000).toFixed(1)} s), one of ${RESOURCES} resources; median of ${RUNS} GETs each, file store`);

  const login = await fetch(`${world.url}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: world.admin }) });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
  const page = async (path, expect) => {
    const response = await fetch(`${world.url}${path}`, { headers: { cookie } });
    const body = await response.text();
    if (response.status !== 200 || !body.includes(expect)) throw new Error(`GET ${path}: ${response.status}, missing ${expect}`);
    return body.length;
  };
  const timed = (path, expect) => median(() => page(path, expect), RUNS);

  const healthz = await median(async () => (await fetch(`${world.url}/healthz`)).text(), RUNS);
  const apiList = await median(async () => {
    await call(world.url, world.admin, "GET", "/api/user/stacks?pageSize=500");
  }, RUNS);
  const results = [
    ["GET / (stack list)", "/", `${STACKS + 1} stacks`],
    ["GET /<org>?tag=team=web (tag filter)", `/${ORG}?tag=team%3Dweb`, "of"],
    ["GET stack page (5,000 resources)", `/${ORG}/site/big`, `${RESOURCES} resources`],
    ["GET stack page ?q=bucket-49", `/${ORG}/site/big?q=bucket-49`, "of"],
  ];
  printRatio("GET /healthz (baseline)", healthz, healthz);
  printRatio("GET /api/user/stacks (baseline)", apiList, healthz);
  for (const [name, path, expect] of results) {
    const ms = await timed(path, expect);
    const bytes = await page(path, expect);
    console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / healthz).toFixed(1)} x healthz, ${(ms / apiList).toFixed(2)} x API list  (${(bytes / 1e6).toFixed(2)} MB)${ms >= LIMIT_MS ? "  TOO SLOW" : ""}`);
    if (ms >= LIMIT_MS) failed = true;
  }
} finally {
  await world.dispose();
}
if (failed) {
  console.error(`a console page took ${LIMIT_MS} ms or more`);
  process.exit(1);
}
