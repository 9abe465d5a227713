// What every backend benchmark shares: a realistic generated deployment, timing, and the report line.

/** How many timed runs each measurement takes (after one warm-up). */
export const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/**
 * A version 3 deployment (what `stack export` prints) with `count` resources: a root stack, the
 * default aws provider and buckets with a handful of inputs and outputs each, about 600 bytes per
 * resource. In Pulumi's order: every resource after the ones it refers to (parent, provider).
 */
export function generateDeployment(count, { project = "demo", stack = "bench" } = {}) {
  const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const providerUrn = `urn:pulumi:${stack}::${project}::pulumi:providers:aws::default_6_66_0`;
  const providerId = "5b9f3e2a-8c1d-4b7e-9a6f-2d3c4e5f6a7b";
  const provider = `${providerUrn}::${providerId}`;
  const resources = [{ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} }];
  if (count > 1) {
    resources.push({
      urn: providerUrn,
      custom: true,
      id: providerId,
      type: "pulumi:providers:aws",
      inputs: { region: "eu-west-1", version: "6.66.0" },
      outputs: { region: "eu-west-1", version: "6.66.0" },
    });
  }
  for (let i = 1; i < count - 1; i++) {
    const name = `bucket-${i}`;
    resources.push({
      urn: `urn:pulumi:${stack}::${project}::aws:s3/bucketV2:BucketV2::${name}`,
      custom: true,
      id: `${name}-4f2a9c1`,
      type: "aws:s3/bucketV2:BucketV2",
      inputs: { bucket: `${name}-4f2a9c1`, forceDestroy: false, tags: { team: "platform", index: String(i) } },
      outputs: { arn: `arn:aws:s3:::${name}-4f2a9c1`, bucket: `${name}-4f2a9c1`, id: `${name}-4f2a9c1`, region: "eu-west-1", tags: { team: "platform", index: String(i) } },
      parent: stackUrn,
      provider,
      dependencies: [],
    });
  }
  return { version: 3, deployment: { manifest: { time: "2026-11-20T10:15:00Z", magic: "", version: "v3.140.0" }, resources } };
}

/** Median wall time (ms) of RUNS runs of `action`, after one warm-up run. */
export async function median(action, runs = RUNS) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    await action();
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** One report line: name, time, and the ratio to the baseline measured in the same run. */
export function printRatio(name, ms, baseline) {
  console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / baseline).toFixed(2)} x baseline`);
}

/**
 * What an engine saves while creating `count` resources (`generateDeployment`'s, root first): the
 * stack it starts from (the root only), and per resource two steps — the step begins (a pending
 * `creating` operation naming the resource) and ends (the resource's full state). Each step is
 * yielded as a journal entry and as the whole deployment the naive path would save at that point.
 */
export function engineRun(count, options) {
  const final = generateDeployment(count, options);
  const [root, ...rest] = final.deployment.resources;
  const start = { version: 3, deployment: { ...final.deployment, resources: [root] } };
  return {
    start,
    final,
    *steps() {
      const resources = [root];
      for (const resource of rest) {
        const pending = { type: "creating", resource: { urn: resource.urn, type: resource.type } };
        yield { entry: { op: "pending", operation: pending }, full: () => ({ version: 3, deployment: { ...final.deployment, resources: [...resources], pending_operations: [pending] } }) };
        resources.push(resource);
        yield { entry: { op: "upsert", resource }, full: () => ({ version: 3, deployment: { ...final.deployment, resources: [...resources] } }) };
      }
    },
  };
}

/** `1234567` → `1.23 MB`. */
export function formatBytes(bytes) {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/**
 * Checkpoint save and load through a cairn backend against the raw SDK PUT/GET of the same bytes,
 * all measured in this run, printed as ratios. `rawPut(bytes)`/`rawGet()` are the baselines.
 */
export async function compareCheckpoint({ backend, ref, deployment, rawPut, rawGet }) {
  const bytes = Buffer.from(JSON.stringify(deployment));
  const put = await median(() => rawPut(bytes));
  const get = await median(() => rawGet());
  const save = await median(() => backend.importDeployment(ref, deployment));
  const load = await median(() => backend.exportDeployment(ref));
  const count = deployment.deployment.resources.length;
  console.log(`checkpoint: ${count} resources, ${(bytes.length / 1e6).toFixed(1)} MB, median of ${RUNS}`);
  printRatio("raw SDK PUT (baseline)", put, put);
  printRatio("importDeployment (save)", save, put);
  printRatio("raw SDK GET (baseline)", get, get);
  printRatio("exportDeployment (load)", load, get);
}

/** `listStacks()` over `expected` stacks against one raw paged list of the same prefix (`rawList` returns the count). */
export async function compareListStacks({ backend, expected, rawList }) {
  const raw = await median(async () => {
    const count = await rawList();
    if (count < expected) throw new Error(`raw list saw ${count} objects`);
  });
  const listed = await median(async () => {
    const stacks = await backend.listStacks();
    if (stacks.length !== expected) throw new Error(`listStacks saw ${stacks.length} stacks`);
  });
  console.log(`listStacks: ${expected} stacks, median of ${RUNS}`);
  printRatio("raw SDK paged list (baseline)", raw, raw);
  printRatio("listStacks()", listed, raw);
}
