// `stack ls` over 10,000 stacks in 20 projects on the file backend: requests and wall time of the
// indexed listing (one listing + one index read per project) against reading every stack file, in
// the same run. Setup writes the stack files directly (as Pulumi, or a fast import, would), plus one
// stack per project through cairn so each project has an index; the first indexed listing then
// finds 499 of 500 entries per project missing, reads those files and writes the index back (the
// "rebuild" line); later listings trust it. Run after `pnpm exec tsc -b packages/backend-file`.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countingStore, createStoreBackend, formatJson } from "../packages/core/dist/index.js";
import { FileStore } from "../packages/backend-file/dist/index.js";
import { generateDeployment, median } from "./lib/workload.mjs";

const PROJECTS = 20;
const PER_PROJECT = 500;
const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 20);

const root = await mkdtemp(join(tmpdir(), "cairn-bench-stack-ls-"));
try {
  const store = new FileStore(root, `file://${root}`);
  const writer = createStoreBackend(store, { env: {}, username: "bench" });
  for (let p = 0; p < PROJECTS; p++) {
    const project = `project-${p}`;
    await writer.createStack({ organization: "organization", project, name: "s0" }, { initialDeployment: generateDeployment(RESOURCES, { project, stack: "s0" }) });
    await mkdir(join(root, ".pulumi", "stacks", project), { recursive: true });
    const writes = [];
    for (let s = 1; s < PER_PROJECT; s++) {
      const file = { version: 3, checkpoint: { stack: `organization/${project}/s${s}`, latest: generateDeployment(RESOURCES, { project, stack: `s${s}` }).deployment } };
      writes.push(writeFile(join(root, ".pulumi", "stacks", project, `s${s}.json`), formatJson(file)));
    }
    await Promise.all(writes);
  }
  const total = PROJECTS * PER_PROJECT;

  const list = async (stackIndex) => {
    const counted = countingStore(new FileStore(root, `file://${root}`));
    const backend = createStoreBackend(counted.store, { env: {}, username: "bench", stackIndex });
    const start = process.hrtime.bigint();
    const stacks = await backend.listStacks();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (stacks.length !== total) throw new Error(`listed ${stacks.length} stacks, expected ${total}`);
    return { ms, requests: counted.requests(), traffic: counted.traffic };
  };
  const show = (name, result) =>
    console.log(`${name.padEnd(36)} ${String(result.requests).padStart(6)} requests (${result.traffic.list} list, ${result.traffic.get} get, ${result.traffic.put} put)  ${result.ms.toFixed(0).padStart(6)} ms`);

  console.log(`stack ls: ${total} stacks in ${PROJECTS} projects, ${RESOURCES} resources each, file backend`);
  show("indexed, first run (rebuilds index)", await list(true));
  const indexed = await list(true);
  show("indexed", indexed);
  const perStack = await list(false);
  show("per-stack reads (baseline)", perStack);
  const medianIndexed = await median(async () => (await list(true)).ms, 3);
  const medianPerStack = await median(async () => (await list(false)).ms, 1);
  console.log(`median wall: indexed ${medianIndexed.toFixed(0)} ms vs per-stack ${medianPerStack.toFixed(0)} ms (${(medianPerStack / medianIndexed).toFixed(1)}x faster); requests ${indexed.requests} vs ${perStack.requests}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
