// The web console's two heaviest pages on a real cairn-server process (file store): the stack list
// with 1,000 stacks (each with an update in its history, a third of them tagged) and the page of a
// 5,000-resource stack (a parent tree under 50 components, 3 providers). Each is the median of
// several GETs after a warm-up, printed with its ratio to baselines measured in the same run:
// `GET /healthz` (the HTTP floor) and the API's `GET /api/user/stacks` over the same 1,000 stacks.
// Exits 1 when a page takes a second or more (issue 16's bar). Run after the server's build.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { api, spawnServer } from "../apps/server/dist/testing.js";
import { mapLimit } from "../packages/core/dist/index.js";
import { median, printRatio } from "./lib/workload.mjs";

const STACKS = Number(process.env.BENCH_STACKS ?? 1_000);
const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 5_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LIMIT_MS = 1_000;
const ORG = "admin";

/** A state of `count` resources: root, 3 providers, 50 components, the rest spread under them, some nested a level deeper. */
function bigDeployment(count) {
  const root = "urn:pulumi:big::site::pulumi:pulumi:Stack::site-big";
  const resources = [{ urn: root, custom: false, type: "pulumi:pulumi:Stack", outputs: { url: "https://example.test/", count } }];
  const providers = ["aws", "gcp", "random"].map((pkg, i) => {
    const urn = `urn:pulumi:big::site::pulumi:providers:${pkg}::default`;
    resources.push({ urn, custom: true, id: `provider-${i}`, type: `pulumi:providers:${pkg}`, parent: root, inputs: { version: "6.0.0" }, outputs: { version: "6.0.0" } });
    return `${urn}::provider-${i}`;
  });
  const components = Array.from({ length: 50 }, (_, i) => {
    const urn = `urn:pulumi:big::site::my:index:Service::service-${i}`;
    resources.push({ urn, custom: false, type: "my:index:Service", parent: root });
    return urn;
  });
  for (let i = resources.length, n = 0; i < count; i++, n++) {
    const component = components[n % components.length];
    const previous = resources.at(-1);
    // Every third resource is a child of the one before it, so the tree is more than two levels deep.
    const parent = n % 3 === 2 && previous.parent !== root ? previous.urn : component;
    const urn = `urn:pulumi:big::site::my:index:Service$aws:s3/bucketV2:BucketV2::bucket-${n}`;
    resources.push({
      urn,
      custom: true,
      id: `bucket-${n}-4f2a9c1`,
      type: "aws:s3/bucketV2:BucketV2",
      parent,
      provider: providers[n % providers.length],
      inputs: { bucket: `bucket-${n}-4f2a9c1`, tags: { team: "platform" } },
      outputs: { arn: `arn:aws:s3:::bucket-${n}-4f2a9c1`, bucket: `bucket-${n}-4f2a9c1`, id: `bucket-${n}-4f2a9c1` },
    });
  }
  return { version: 3, deployment: { manifest: { time: "2026-11-20T10:15:00Z", magic: "", version: "v3.140.0" }, resources } };
}

const small = (stack) => ({
  version: 3,
  deployment: {
    manifest: { time: "2026-11-20T10:15:00Z", magic: "", version: "v3.140.0" },
    resources: [{ urn: `urn:pulumi:${stack}::demo::pulumi:pulumi:Stack::demo-${stack}`, custom: false, type: "pulumi:pulumi:Stack", outputs: {} }],
  },
});

const root = mkdtempSync(join(tmpdir(), "cairn-bench-console-"));
const server = await spawnServer({ data: pathToFileURL(join(root, "data")).href, home: root, env: { NODE_ENV: "production" } });
let failed = false;
try {
  const call = (method, path, body) => api(server.url, method, path, server.adminToken, body);
  const must = async (method, path, body) => {
    const answer = await call(method, path, body);
    if (answer.status !== 200) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  let start = performance.now();
  // 1,000 stacks in 10 projects, each with one import (so each has a last update), through the API.
  await mapLimit(Array.from({ length: STACKS }, (_, i) => i), 16, async (i) => {
    const project = `project-${i % 10}`;
    const stack = `stack-${i}`;
    await must("POST", `/api/stacks/${ORG}/${project}`, { stackName: stack, ...(i % 3 === 0 ? { tags: { team: i % 2 === 0 ? "web" : "data" } } : {}) });
    await must("POST", `/api/stacks/${ORG}/${project}/${stack}/import`, small(stack));
  });
  await must("POST", `/api/stacks/${ORG}/site`, { stackName: "big" });
  await must("POST", `/api/stacks/${ORG}/site/big/import`, bigDeployment(RESOURCES));
  console.log(`console pages: ${STACKS + 1} stacks (setup ${((performance.now() - start) / 1000).toFixed(1)} s), one of ${RESOURCES} resources; median of ${RUNS} GETs each, file store`);

  const login = await fetch(`${server.url}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: server.adminToken }) });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
  const page = async (path, expect) => {
    const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
    const body = await response.text();
    if (response.status !== 200 || !body.includes(expect)) throw new Error(`GET ${path}: ${response.status}, missing ${expect}`);
    return body.length;
  };
  const timed = (path, expect) => median(() => page(path, expect), RUNS);

  const healthz = await median(async () => (await fetch(`${server.url}/healthz`)).text(), RUNS);
  const apiList = await median(async () => {
    const answer = await call("GET", "/api/user/stacks?pageSize=500");
    if (answer.status !== 200) throw new Error("GET /api/user/stacks failed");
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
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}
if (failed) {
  console.error(`a console page took ${LIMIT_MS} ms or more`);
  process.exit(1);
}
