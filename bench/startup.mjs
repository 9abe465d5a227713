// Start-up cost of `cairn version`, `cairn whoami` and `cairn stack ls` on a file:// backend, as a
// ratio to `node -e 0` measured in the same run, against the aim "within 1.3× + 30 ms" of it; the
// files each command loads; and proof that no cloud SDK is loaded for file://.
// Runs are interleaved (one of each command per round) so load from other processes on a shared
// machine falls on the baseline and the commands alike. BENCH_RUNS rounds (default 15).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const AIM_RATIO = 1.3;
const AIM_EXTRA_MS = 30;

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
const commands = [
  { name: "node -e 0 (baseline)", args: ["-e", "0"] },
  { name: "cairn version", args: [cairn, "version"], aim: true },
  { name: "cairn whoami", args: [cairn, "whoami"], aim: true },
  { name: "cairn stack ls", args: [cairn, "stack", "ls"] },
];

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: project, env, stdio: "ignore" });
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const times = commands.map(() => []);
for (let round = 0; round < RUNS + 2; round++) {
  commands.forEach((command, i) => {
    const ms = timeOnce(command.args);
    if (round >= 2) times[i].push(ms); // the first two rounds warm the disk cache
  });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Every file the command loads (ESM imports and CommonJS requires), as URLs. */
function filesLoaded(args) {
  if (args[0] === "-e") return [];
  const traceFile = join(work, "imports.txt");
  run(["--import", join(root, "bench/trace-imports.mjs"), ...args], { CAIRN_TRACE_IMPORTS: traceFile });
  return readFileSync(traceFile, "utf8")
    .split("\n")
    .filter((url) => url.startsWith("file:"));
}

const baseline = median(times[0]);
const budget = baseline * AIM_RATIO + AIM_EXTRA_MS;
console.log(`start-up, median of ${RUNS} interleaved runs; aim: within ${AIM_RATIO}x + ${AIM_EXTRA_MS} ms of node -e 0 = ${budget.toFixed(1)} ms`);
const verdicts = [];
commands.forEach((command, i) => {
  const ms = median(times[i]);
  const files = command.args[0] === "-e" ? "" : `${String(filesLoaded(command.args).length).padStart(4)} files`;
  const excess = i === 0 ? "" : `+${(ms - baseline).toFixed(1)} ms`.padStart(11);
  const verdict = command.aim ? (ms <= budget ? "pass" : "FAIL") : "";
  if (command.aim) verdicts.push(`${command.name} ${verdict}`);
  console.log(`  ${command.name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms ${(ms / baseline).toFixed(2).padStart(5)}x ${excess.padStart(11)} ${files.padStart(10)}  ${verdict}`);
});
const passed = verdicts.every((verdict) => verdict.endsWith("pass"));
console.log(`aim ${AIM_RATIO}x + ${AIM_EXTRA_MS} ms: ${passed ? "PASS" : "FAIL"} (${verdicts.join(", ")})`);

const loaded = filesLoaded([cairn, "stack", "ls"]);
const cloud = loaded.filter((url) => /@aws-sdk|@smithy|@azure|@google-cloud|google-auth-library|isomorphic-git|backend-(s3|azblob|gs|git|service)/.test(url));
const packages = [...new Set(loaded.map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url)?.[1] ?? /\/(packages|apps)\/([^/]+)\//.exec(url)?.[2]).filter(Boolean))];
console.log(`packages loaded by \`cairn stack ls\` on file://: ${packages.sort().join(", ")}`);
console.log(cloud.length === 0 ? "no cloud SDK or other backend loaded: OK" : `cloud modules loaded:\n  ${cloud.join("\n  ")}`);
rmSync(work, { recursive: true, force: true });
process.exitCode = cloud.length === 0 ? 0 : 1;
