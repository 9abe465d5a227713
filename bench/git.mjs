// Checkpoint save/load through cairn's git store (git+http://, real `git http-backend`) as a
// ratio to raw isomorphic-git work on the same bytes in the same run.
// Run: pnpm exec tsc -b packages/backend-git packages/test-servers && node bench/git.mjs
import * as fs from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { createStoreBackend } from "../packages/core/dist/index.js";
import plugin from "../packages/backend-git/dist/index.js";
import { createBareRepo, startGitHttpServer } from "../packages/test-servers/dist/git-http.js";

const require = createRequire(new URL("../packages/backend-git/package.json", import.meta.url));
const git = (await import(require.resolve("isomorphic-git"))).default;
const http = (await import(require.resolve("isomorphic-git/http/node"))).default;

const RESOURCES = 1000;
const ROUNDS = 5;
const root = mkdtempSync(join(tmpdir(), "cairn-git-bench-"));
const server = await startGitHttpServer({ root, users: { bench: "pw" } });
const onAuth = () => ({ username: "bench", password: "pw" });

function deployment() {
  const resources = [{ urn: "urn:pulumi:dev::bench::pulumi:pulumi:Stack::bench-dev", custom: false, type: "pulumi:pulumi:Stack" }];
  for (let i = 1; i < RESOURCES; i++) {
    resources.push({
      urn: `urn:pulumi:dev::bench::aws:s3/bucket:Bucket::bucket-${i}`, custom: true, id: `bucket-${i}-abc123`, type: "aws:s3/bucket:Bucket",
      inputs: { bucket: `bucket-${i}`, acl: "private", tags: { team: "infra", index: String(i) } },
      outputs: { bucket: `bucket-${i}`, arn: `arn:aws:s3:::bucket-${i}`, region: "eu-west-1", tags: { team: "infra", index: String(i) } },
      parent: resources[0].urn, provider: "urn:pulumi:dev::bench::pulumi:providers:aws::default::4a2b",
    });
  }
  return { version: 3, deployment: { manifest: { time: new Date().toISOString(), magic: "", version: "v3.100.0" }, resources } };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) { const t = performance.now(); await fn(); return performance.now() - t; }

// cairn: import through the layout (lock, stack file + .bak, backup, unlock — each a commit+push).
createBareRepo(root, "cairn");
const home = mkdtempSync(join(tmpdir(), "cairn-git-bench-home-"));
const store = await plugin.open(new URL(`git+${server.baseUrl}/cairn.git`), { home, cwd: home, env: { GIT_TOKEN: "bench:pw", GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "b@x" } });
const backend = createStoreBackend(store, { env: {}, username: "bench", hostname: "bench", pid: process.pid });
const ref = { organization: "organization", project: "bench", name: "dev" };
await backend.createStack(ref);
const doc = deployment();
const bytes = new TextEncoder().encode(JSON.stringify({ version: 3, checkpoint: { stack: "organization/bench/dev", latest: doc.deployment } }, null, 4));

// raw: write blob + tree + commit on the tip and push, in a separate bare clone.
createBareRepo(root, "raw");
const gitdir = mkdtempSync(join(tmpdir(), "cairn-git-bench-raw-"));
await git.init({ fs, gitdir, bare: true });
const url = `${server.baseUrl}/raw.git`;
let tip;
const author = { name: "bench", email: "b@x", timestamp: 0, timezoneOffset: 0 };
async function rawSave(payload) {
  const blob = await git.writeBlob({ fs, gitdir, blob: payload });
  const tree = await git.writeTree({ fs, gitdir, tree: [{ mode: "100644", path: "dev.json", oid: blob, type: "blob" }] });
  const commit = await git.writeCommit({ fs, gitdir, commit: { tree, parent: tip ? [tip] : [], author: { ...author, timestamp: Math.floor(Date.now() / 1000) }, committer: { ...author, timestamp: Math.floor(Date.now() / 1000) }, message: "raw\n" } });
  await git.writeRef({ fs, gitdir, ref: "refs/heads/main", value: commit, force: true });
  await git.push({ fs, http, gitdir, url, ref: "main", onAuth });
  tip = commit;
}
async function rawLoad() {
  const { fetchHead } = await git.fetch({ fs, http, gitdir, url, ref: "main", singleBranch: true, tags: false, onAuth }).catch(async (e) => {
    if (e.code !== "NoRefspecError") throw e;
    await git.addRemote({ fs, gitdir, remote: "origin", url, force: true });
    return git.fetch({ fs, http, gitdir, url, ref: "main", singleBranch: true, tags: false, onAuth });
  });
  return git.readBlob({ fs, gitdir, oid: fetchHead, filepath: "dev.json" });
}

const saves = [], rawSaves = [], loads = [], rawLoads = [];
for (let round = 0; round < ROUNDS; round++) {
  doc.deployment.manifest.time = new Date(Date.now() + round).toISOString();
  saves.push(await time(() => backend.importDeployment(ref, doc)));
  rawSaves.push(await time(() => rawSave(bytes.slice(0, bytes.length - 1 - (round % 2)))));
  loads.push(await time(() => backend.exportDeployment(ref)));
  rawLoads.push(await time(() => rawLoad()));
}
const report = (name, ours, base) => console.log(`${name}  ${median(ours).toFixed(1)} ms  ${(median(ours) / median(base)).toFixed(2)} x baseline (raw ${median(base).toFixed(1)} ms)`);
console.log(`# ${RESOURCES} resources, ${(bytes.length / 1024).toFixed(0)} KiB checkpoint, median of ${ROUNDS}, git+http:// via git http-backend`);
report("save-checkpoint (importDeployment vs raw commit+push)", saves, rawSaves);
report("load-checkpoint (exportDeployment vs raw fetch+readBlob)", loads, rawLoads);

await backend.close();
await server.close();
for (const dir of [root, home, gitdir]) rmSync(dir, { recursive: true, force: true });
