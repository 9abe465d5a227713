// cairn-server through @cairn/backend-service: requests/second for the checkpoint PATCH of a
// 1,000-resource state during an update, and for the stack list, against a raw file-store write of
// the same bytes (the floor: what storing them costs without HTTP, auth, encryption or history)
// measured in the same run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FileStore } from "../packages/backend-file/dist/index.js";
import { ServiceBackend } from "../packages/backend-service/dist/index.js";
import { spawnServer } from "../apps/server/dist/testing.js";
import { generateDeployment } from "./lib/workload.mjs";

const RESOURCES = 1_000;
const STACKS = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

/** Calls `action` back to back for SECONDS and returns operations per second. */
async function rate(action) {
  await action(); // warm-up
  let count = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  while (performance.now() < end) {
    await action();
    count++;
  }
  return count / ((performance.now() - start) / 1000);
}

function report(name, perSecond, baseline) {
  console.log(`${name.padEnd(40)} ${perSecond.toFixed(1).padStart(8)} req/s  ${(perSecond / baseline).toFixed(2)} x baseline`);
}

const root = mkdtempSync(join(tmpdir(), "cairn-bench-service-"));
const server = await spawnServer({ data: pathToFileURL(join(root, "data")).href, home: root, env: { NODE_ENV: "production" } });
try {
  const backend = new ServiceBackend({ baseUrl: server.url, token: { value: server.adminToken, source: "bench" } });
  const ref = { organization: "organization", project: "demo", name: "bench" };
  await backend.createStack(ref);
  const deployment = generateDeployment(RESOURCES);
  const bytes = Buffer.from(JSON.stringify(deployment));

  const raw = new FileStore(join(root, "raw"), "file://raw");
  const rawWrite = await rate(() => raw.put("raw/checkpoint.json", bytes));

  const lock = await backend.lockStack(ref, "update");
  const patch = await rate(() => backend.importDeployment(ref, deployment, { lockHeld: true }));
  await lock.release();
  console.log(`checkpoint PATCH: ${RESOURCES} resources, ${(bytes.length / 1e6).toFixed(2)} MB, ${SECONDS}s each`);
  report("raw file-store put (baseline)", rawWrite, rawWrite);
  report("PATCH …/checkpoint (encrypted, history)", patch, rawWrite);

  for (let i = 1; i < STACKS; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, STACKS - i) }, (_, j) => backend.createStack({ ...ref, name: `s${i + j}` })));
  }
  for (let i = 0; i < STACKS; i++) await raw.put(`stacks/s${i}.json`, Buffer.from("{}"));
  const rawList = await rate(async () => {
    const page = await raw.list("stacks/");
    if (page.objects.length !== STACKS) throw new Error(`raw list saw ${page.objects.length} objects`);
  });
  const listed = await rate(async () => {
    const stacks = await backend.listStacks();
    if (stacks.length !== STACKS) throw new Error(`listStacks saw ${stacks.length} stacks`);
  });
  console.log(`stack list: ${STACKS} stacks, ${SECONDS}s each`);
  report("raw file-store list (baseline)", rawList, rawList);
  report("GET /api/user/stacks", listed, rawList);
  await backend.close();
} finally {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}
