// Start-up cost of `cairn whoami` and `cairn stack ls` on a file:// backend, as a ratio to
// `node -e 0` measured in the same run, and proof that no cloud SDK is loaded for file://.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cairn = join(root, "apps/cli/bin/cairn.js");
const work = mkdtempSync(join(tmpdir(), "cairn-bench-"));
const env = { ...process.env, PULUMI_HOME: join(work, "home"), PULUMI_CONFIG_PASSPHRASE: "bench" };
const project = join(work, "project");
mkdirSync(project);
writeFileSync(join(project, "Pulumi.yaml"), "name: bench\nruntime: nodejs\n");
const run = (args, extraEnv = {}) => execFileSync(process.execPath, args, { cwd: project, env: { ...env, ...extraEnv }, stdio: "pipe" });
run([cairn, "login", `file://${join(work, "state")}`]);
for (const stack of ["dev", "staging", "prod"]) run([cairn, "stack", "init", stack]);

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
function median(args) {
  const times = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: project, env, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
    if (i >= 2) times.push(Number(process.hrtime.bigint() - start) / 1e6); // first two warm the disk cache
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const baseline = median(["-e", "0"]);
const rows = [
  ["node -e 0 (baseline)", baseline],
  ["cairn whoami", median([cairn, "whoami"])],
  ["cairn stack ls", median([cairn, "stack", "ls"])],
];
console.log(`start-up, median of ${RUNS} runs`);
for (const [name, ms] of rows) console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / baseline).toFixed(2)}x baseline`);

const traceFile = join(work, "imports.txt");
run(["--import", join(root, "bench/trace-imports.mjs"), cairn, "stack", "ls"], { CAIRN_TRACE_IMPORTS: traceFile });
const loaded = readFileSync(traceFile, "utf8").split("\n");
const cloud = loaded.filter((url) => /@aws-sdk|@smithy|@azure|@google-cloud|google-auth-library|isomorphic-git|backend-(s3|azblob|gs|git|service)/.test(url));
const packages = [...new Set(loaded.map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? /\/(packages|apps)\/([^/]+)\//.exec(url)?.[2]).filter(Boolean))];
console.log(`modules loaded by \`cairn stack ls\` on file://: ${loaded.length} (packages: ${packages.sort().join(", ")})`);
console.log(cloud.length === 0 ? "no cloud SDK or other backend loaded: OK" : `cloud modules loaded:\n  ${cloud.join("\n  ")}`);
rmSync(work, { recursive: true, force: true });
process.exitCode = cloud.length === 0 ? 0 : 1;
