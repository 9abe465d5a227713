// The real `pulumi up` (v3.274.1, through tools/pulumi-peer's driver: an inline program of N
// component resources, each with a child and a deterministic 16 KB `payload` output) against
// self-managed stores and against cairn-server, as ratios to a floor measured in the same run.
//
//   node bench/pulumi-up.mjs [--n 100,600[,3000]] [--targets file,s3,server-file,server-s3]
//        [--extras 600] [--output-bytes 16384] [--timeout 600] [--json] [--server-logs DIR]
//
// --server-logs DIR keeps each cairn-server's JSON log (a line per request, with its ms) in
// DIR/<target>.log, to see where a server row's time goes. --pulumi-env NAME=VALUE (repeatable) sets
// a variable for every Pulumi process of every row, floor included (e.g.
// PULUMI_JOURNALING_BATCH_PERIOD=5: the CLI sends journal batches every 50 ms by default).
//
// Targets: DIY file:// (a temp dir on disk), DIY s3:// on moto, cairn-server over file://,
// cairn-server over s3:// on moto. Each (target, N) gets a fresh stack. The floor is the same
// `pulumi up` on file:// with PULUMI_SKIP_CHECKPOINTS=true: the engine and the program with no
// state writes but the final one. At the --extras sizes (default 600) each target also runs a no-op
// `pulumi up` (the same program again: every step is a same) and `pulumi stack export`; their
// floors are a no-op `up` with PULUMI_SKIP_CHECKPOINTS=true on the floor's stack and an export from
// that file:// stack. Every row is one run (no median: an N=600 row takes minutes).
//
// How store traffic is counted ("written": bytes sent to the store; "read": bytes it returned):
// - s3:// (DIY and cairn-server): a counting HTTP proxy (bench/lib/counting-proxy.mjs, one per
//   target) in front of moto, which the clients address directly (path-style), so the Host header
//   they sign is the one moto checks. Requests are HTTP requests; bytes are HTTP body bytes each
//   way as they crossed the wire (headers not counted; any aws-chunked framing is).
// - cairn-server over file://: the server runs from bench/lib/counted-server.mjs, which is what
//   bin/cairn-server does with its store wrapped by core's countingStore (get/put/delete/list calls
//   and the bytes put and got). Both server targets run from it; no change to apps/server.
// - DIY file:// (the Pulumi CLI, a Go process writing files itself): an approximation. The
//   write_bytes delta of /proc/self/io across the run, which the kernel adds up from reaped
//   children (the driver, and the `pulumi` processes it reaps): bytes dirtied in the page cache,
//   page-granular (a 200-byte lock file counts 4 KB). HOME, PULUMI_HOME (Pulumi's logs), TMPDIR
//   and the project dir are on tmpfs (/dev/shm), which write_bytes does not see, so what remains
//   is the state directory on disk. No request count or read bytes for these rows. The floor
//   rows are counted the same way (their bytes are the one final save).
// "final" is the size of `pulumi stack export`'s output after the update; "÷ final" is written
// bytes divided by it: flat as N grows means O(n) bytes, growing with N means O(n²).
//
// A row that runs past --timeout seconds is killed (its process group) and marked "timed out";
// the rest of that target at that N is skipped. Needs Linux, `scripts/peers.sh pulumi moto`, and
// `pnpm build` (apps/server, packages/test-servers, packages/core).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { api, TEST_MASTER_KEY } from "../apps/server/dist/testing.js";
import { peer } from "../packages/test-servers/dist/peers.js";
import { startS3Server } from "../packages/test-servers/dist/s3.js";
import { startCountingProxy } from "./lib/counting-proxy.mjs";
import { formatBytes } from "./lib/workload.mjs";

const { values: flags } = parseArgs({
  options: {
    n: { type: "string", default: "100,600" },
    targets: { type: "string", default: "file,s3,server-file,server-s3" },
    extras: { type: "string", default: "600" },
    "output-bytes": { type: "string", default: "16384" },
    timeout: { type: "string", default: "600" },
    json: { type: "boolean", default: false },
    "server-logs": { type: "string" },
    "pulumi-env": { type: "string", multiple: true, default: [] },
  },
});
const SIZES = flags.n.split(",").map(Number);
const EXTRAS = new Set(flags.extras.split(",").map(Number));
const OUTPUT_BYTES = Number(flags["output-bytes"]);
const TIMEOUT_MS = Number(flags.timeout) * 1000;
const TARGET_NAMES = flags.targets.split(",");
const PULUMI_ENV = Object.fromEntries(flags["pulumi-env"].map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
const AIM = "aim: cairn-server's `pulumi up` within 1.5x of the floor at N = 600, and O(n) bytes (written ÷ final flat as N grows)";
const PASSPHRASE = "bench passphrase";
const SHM = "/dev/shm";
const PROJECT = "bench";
const pulumi = peer("pulumi");
const log = (line) => process.stderr.write(`› ${line}\n`);

/** Process groups of runs in flight, killed if the benchmark is interrupted. */
const running = new Set();
const cleanups = [];
process.once("SIGINT", () => {
  for (const pid of running) process.kill(-pid, "SIGKILL");
  void Promise.allSettled(cleanups.map((fn) => fn())).then(() => process.exit(130));
});

/** Runs a command in its own process group; kills the group after TIMEOUT_MS. */
function run(command, args, { cwd, env }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child.pid);
    const stdout = [];
    let stderr = "";
    child.stdout.on("data", (chunk) => stdout.push(chunk));
    child.stderr.on("data", (chunk) => (stderr = (stderr + chunk.toString("utf8")).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, "SIGKILL");
    }, TIMEOUT_MS);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      running.delete(child.pid);
      resolve({ status: code ?? -1, ms, stdout: Buffer.concat(stdout), stderr, timedOut });
    });
  });
}

/** write_bytes of this process and its reaped descendants (Linux /proc/self/io). */
function writeBytes() {
  const match = /^write_bytes: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"));
  return Number(match[1]);
}

/** Counters for the DIY file:// rows and the floors: disk write_bytes only. */
const diskCounter = { method: "write_bytes", snapshot: async () => ({ written: writeBytes() }) };

/** Counters from a counting proxy. */
const proxyCounter = (proxy) => ({ method: "proxy", snapshot: async () => ({ requests: proxy.traffic.requests, written: proxy.traffic.bytesWritten, read: proxy.traffic.bytesRead }) });

/** cairn-server from bench/lib/counted-server.mjs, with a `stats()` of its store's traffic. */
async function startCountedServer(name, data, env) {
  const scratch = mkdtempSync(join(tmpdir(), "cairn-bench-pulumi-server-"));
  const adminToken = `pul-${randomBytes(20).toString("hex")}`;
  const child = spawn(process.execPath, [new URL("./lib/counted-server.mjs", import.meta.url).pathname, data], {
    env: { PATH: process.env.PATH, HOME: scratch, PULUMI_HOME: join(scratch, ".pulumi"), CAIRN_SERVER_MASTER_KEY: TEST_MASTER_KEY, CAIRN_SERVER_ADMIN_TOKEN: adminToken, NODE_ENV: "production", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk.toString("utf8")).slice(-20_000)));
  if (flags["server-logs"] !== undefined) {
    mkdirSync(flags["server-logs"], { recursive: true });
    child.stderr.pipe(createWriteStream(join(flags["server-logs"], `${name}.log`)));
  }
  const waiting = [];
  let listening;
  const url = new Promise((resolve) => (listening = resolve));
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith("listening on ")) listening(line.slice("listening on ".length));
    else if (line.startsWith("stats ")) waiting.shift()?.(JSON.parse(line.slice("stats ".length)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const started = await Promise.race([url, exited.then((code) => Promise.reject(new Error(`cairn-server exited with ${code}:\n${stderr}`)))]);
  const server = {
    url: started,
    adminToken,
    logs: () => stderr,
    stats: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write("stats\n");
      }),
    stop: async () => {
      child.stdin.end();
      await exited;
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  cleanups.push(server.stop);
  return server;
}

/** A user of the server with its own token (its own organization), as a person logging in would be. */
async function serverUser(server) {
  const name = `bench${randomBytes(3).toString("hex")}`;
  const created = await api(server.url, "POST", "/api/admin/users", server.adminToken, { name });
  if (created.status !== 200) throw new Error(`creating user ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  const issued = await api(server.url, "POST", `/api/admin/users/${name}/tokens`, server.adminToken, { description: "bench" });
  if (issued.status !== 200) throw new Error(`issuing a token for ${name}: ${issued.status} ${JSON.stringify(issued.body)}`);
  return issued.body.tokenValue;
}

// Shared emulator and servers, started on first use.
let moto;
const shared = {};
async function s3Backed(name) {
  moto ??= await startS3Server({ buckets: ["bench"] });
  shared[name] ??= await startCountingProxy(moto.endpoint);
  return shared[name];
}
const s3Url = (proxy, prefix) => `s3://bench/${prefix}?endpoint=${encodeURIComponent(proxy.endpoint)}&use_path_style=true&region=${moto.region}`;
const s3Env = () => ({ AWS_ACCESS_KEY_ID: moto.accessKeyId, AWS_SECRET_ACCESS_KEY: moto.secretAccessKey, AWS_REGION: moto.region });

async function serverTarget(name, data) {
  if (shared[name] === undefined) {
    const server = await startCountedServer(name, data.url, data.env);
    const token = await serverUser(server);
    shared[name] = { server, token };
  }
  const { server, token } = shared[name];
  const counter = data.proxy
    ? proxyCounter(data.proxy)
    : { method: "countingStore", snapshot: async () => { const s = await server.stats(); return { requests: s.requests, written: s.bytesWritten, read: s.bytesRead }; } };
  return { url: server.url, env: { PULUMI_ACCESS_TOKEN: token }, counter };
}

/** What each target logs in to, the environment it needs, and how its traffic is counted. */
const TARGETS = {
  file: { label: "DIY file://", open: async (world) => ({ url: `file://${world.state}`, env: {}, counter: diskCounter }) },
  s3: {
    label: "DIY s3:// (moto)",
    async open() {
      const proxy = await s3Backed("proxy-diy");
      return { url: s3Url(proxy, `diy-${randomBytes(4).toString("hex")}`), env: s3Env(), counter: proxyCounter(proxy) };
    },
  },
  "server-file": {
    label: "cairn-server file://",
    open() {
      if (shared["server-file"] === undefined) {
        const data = mkdtempSync(join(tmpdir(), "cairn-bench-pulumi-data-"));
        cleanups.push(() => rmSync(data, { recursive: true, force: true })); // runs after the server stops
        return serverTarget("server-file", { url: `file://${data}`, env: {} });
      }
      return serverTarget("server-file", {});
    },
  },
  "server-s3": {
    label: "cairn-server s3:// (moto)",
    async open() {
      const proxy = await s3Backed("proxy-server");
      return serverTarget("server-s3", { url: s3Url(proxy, "server"), env: s3Env(), proxy });
    },
  },
};
for (const name of TARGET_NAMES) if (TARGETS[name] === undefined) throw new Error(`unknown target ${name}; known: ${Object.keys(TARGETS).join(", ")}`);
if (!existsSync(SHM) || !existsSync("/proc/self/io")) throw new Error("needs Linux: /dev/shm (tmpfs) and /proc/self/io");

/** One user's machine: HOME, PULUMI_HOME, TMPDIR and the project on tmpfs; a state dir on disk. */
function createWorld() {
  const home = mkdtempSync(join(SHM, "cairn-bench-pulumi-"));
  const state = mkdtempSync(join(tmpdir(), "cairn-bench-pulumi-state-"));
  const project = join(home, "project");
  for (const dir of [project, join(home, "tmp"), join(home, ".pulumi")]) mkdirSync(dir);
  writeFileSync(join(project, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: go\n`);
  const env = (extra) => ({
    PATH: process.env.PATH,
    HOME: home,
    PULUMI_HOME: join(home, ".pulumi"),
    TMPDIR: join(home, "tmp"),
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    NO_COLOR: "1",
    ...PULUMI_ENV,
    ...extra,
  });
  return {
    home,
    state,
    project,
    env,
    pulumi: (args, extra) => run(pulumi.pulumi, args, { cwd: project, env: env(extra) }),
    up: (stack, n, extra) => run(pulumi.driver, ["up", "--pulumi-root", pulumi.root, "--dir", project, "--stack", stack, "--components", String(n), "--output-bytes", String(OUTPUT_BYTES)], { cwd: project, env: env(extra) }),
    dispose: () => {
      rmSync(home, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    },
  };
}

async function ok(what, result) {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}${result.timedOut ? " (timed out)" : ""}:\n${result.stderr.slice(-4000)}`);
  return result;
}

/** The driver's summary says the engine did what the phase means (everything created, or nothing changed). */
function check(kind, n, result) {
  const changes = JSON.parse(result.stdout.toString("utf8").trim().split("\n").at(-1)).summary.resourceChanges ?? {};
  const total = 2 * n + 1; // the stack, N components, N parts
  const expected = kind === "up" ? { create: total } : { same: total };
  if (JSON.stringify(changes) !== JSON.stringify(expected)) throw new Error(`${kind} at N=${n}: resource changes ${JSON.stringify(changes)}, expected ${JSON.stringify(expected)}`);
}

/** One measured phase; `status` is "ok", "timed out", "failed" or "skipped". */
async function phase(kind, n, world, stack, counter, extraEnv) {
  const before = await counter.snapshot();
  const result = kind === "export" ? await world.pulumi(["stack", "export", "--stack", stack], extraEnv) : await world.up(stack, n, extraEnv);
  const after = await counter.snapshot();
  const row = { phase: kind, n, ms: result.ms, requests: diff(after.requests, before.requests), written: diff(after.written, before.written), read: diff(after.read, before.read), status: "ok" };
  // A killed run's partial counts would read as a result: leave them out.
  if (result.timedOut) return { phase: kind, n, status: `timed out after ${TIMEOUT_MS / 1000} s` };
  if (result.status !== 0) {
    process.stderr.write(`${kind} at N=${n} failed (exit ${result.status}):\n${result.stderr.slice(-3000)}\n`);
    return { phase: kind, n, status: `failed (exit ${result.status})` };
  }
  if (kind === "export") {
    const resources = JSON.parse(result.stdout.toString("utf8")).deployment.resources.length;
    if (resources !== 2 * n + 1) throw new Error(`export at N=${n}: ${resources} resources, expected ${2 * n + 1}`);
    row.exportBytes = result.stdout.length;
  } else check(kind, n, result);
  return row;
}
const diff = (after, before) => (after === undefined ? undefined : after - before);

/** up, then (at the extras sizes) a no-op up, then export (always: its size is "final"). */
async function measureTarget(label, method, n, world, stack, counter, extraEnv = {}) {
  const rows = [];
  const up = await phase("up", n, world, stack, counter, extraEnv);
  rows.push(up);
  if (up.status === "ok" && EXTRAS.has(n)) rows.push(await phase("no-op up", n, world, stack, counter, extraEnv));
  const exported = up.status === "ok" ? await phase("export", n, world, stack, counter, extraEnv) : undefined;
  if (exported !== undefined && EXTRAS.has(n)) rows.push(exported);
  if (up.status !== "ok" && EXTRAS.has(n)) rows.push({ phase: "no-op up", n, status: "skipped" }, { phase: "export", n, status: "skipped" });
  for (const row of rows) Object.assign(row, { target: label, method, final: exported?.exportBytes });
  return rows;
}

const rows = [];
try {
  for (const n of SIZES) {
    // The floor: the engine and program, no checkpoints but the final save.
    log(`N=${n}: floor (file://, PULUMI_SKIP_CHECKPOINTS=true)`);
    const floorWorld = createWorld();
    const skip = { PULUMI_SKIP_CHECKPOINTS: "true" };
    await ok("pulumi login", await floorWorld.pulumi(["login", `file://${floorWorld.state}`]));
    await ok("pulumi stack init", await floorWorld.pulumi(["stack", "init", "floor"]));
    const floorRows = await measureTarget("floor: file://, SKIP_CHECKPOINTS", "write_bytes", n, floorWorld, "floor", diskCounter, skip);
    floorWorld.dispose();
    const floorOf = (kind) => floorRows.find((row) => row.phase === kind && row.status === "ok")?.ms;
    rows.push(...floorRows.map((row) => ({ ...row, floor: true, ratio: row.ms !== undefined && floorOf(row.phase) ? row.ms / floorOf(row.phase) : undefined })));

    for (const name of TARGET_NAMES) {
      log(`N=${n}: ${TARGETS[name].label}`);
      const world = createWorld();
      const target = await TARGETS[name].open(world);
      const stack = `n${n}`;
      await ok("pulumi login", await world.pulumi(["login", target.url], target.env));
      await ok("pulumi stack init", await world.pulumi(["stack", "init", stack], target.env));
      const measured = await measureTarget(TARGETS[name].label, target.counter.method, n, world, stack, target.counter, target.env);
      world.dispose();
      for (const row of measured) rows.push({ ...row, ratio: row.ms !== undefined && floorOf(row.phase) ? row.ms / floorOf(row.phase) : undefined });
    }
  }
} finally {
  for (const fn of cleanups.reverse()) await fn();
  for (const value of Object.values(shared)) await value.close?.();
  await moto?.stop();
}

/** Whether the aim holds: server rows at 600 within 1.5x, and written ÷ final flat from the smallest N. */
function verdicts() {
  const lines = [];
  for (const label of [TARGETS["server-file"].label, TARGETS["server-s3"].label]) {
    const ups = rows.filter((row) => row.target === label && row.phase === "up");
    const at600 = ups.find((row) => row.n === 600);
    if (at600 === undefined) continue;
    const time = at600.ratio === undefined ? `no ratio (${at600.status})` : `${at600.ratio.toFixed(2)}x the floor: ${at600.ratio <= 1.5 ? "met" : "NOT met"}`;
    const smallest = ups.find((row) => row.status === "ok" && row.final);
    const growth = smallest !== undefined && at600.status === "ok" && at600.final && smallest.n !== 600 ? (at600.written / at600.final) / (smallest.written / smallest.final) : undefined;
    const bytes = growth === undefined ? "bytes: no comparison" : `written ÷ final ${growth.toFixed(2)}x that at N=${smallest.n}: ${growth < 1.5 ? "O(n)" : "grows with N (super-linear)"}`;
    lines.push(`${label} at N=600: ${time}; ${bytes}`);
  }
  return lines;
}

if (flags.json) {
  process.stdout.write(`${JSON.stringify({ aim: AIM, outputBytes: OUTPUT_BYTES, timeoutSeconds: TIMEOUT_MS / 1000, pulumi: pulumi.version, rows, verdicts: verdicts() }, null, 2)}\n`);
} else {
  const cell = (value, format) => (value === undefined ? "—" : format(value));
  const header = ["target", "phase", "N", "wall", "x floor", "requests", "written", "read", "÷ final", "final", "counted by"];
  const table = rows.map((row) => [
    row.target,
    row.phase,
    String(row.n),
    row.status === "ok" ? `${(row.ms / 1000).toFixed(2)} s` : row.status,
    row.status === "ok" ? cell(row.ratio, (r) => `${r.toFixed(2)}x`) : "—",
    cell(row.requests, String),
    cell(row.written, formatBytes),
    cell(row.read, formatBytes),
    row.status === "ok" && row.final ? `${(row.written / row.final).toFixed(1)}x` : "—",
    cell(row.final, formatBytes),
    row.method ?? "",
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...table.map((line) => line[i].length)));
  const print = (line) => console.log(line.map((text, i) => (i < 2 || i === line.length - 1 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join("  ").trimEnd());
  console.log(`pulumi ${pulumi.version} \`pulumi up\` of N components (each + a child; ${formatBytes(OUTPUT_BYTES)} payload output each); one run per row`);
  console.log(AIM);
  print(header);
  for (const line of table) print(line);
  console.log("written/read: bytes sent to / returned by the store. counted by — proxy: HTTP body bytes and requests at a proxy in front of moto;");
  console.log("countingStore: the server's store calls and bytes; write_bytes: disk bytes the Pulumi processes dirtied (page-granular; no requests).");
  console.log("final: size of `pulumi stack export` after the update. no-op up / export floors: a SKIP_CHECKPOINTS no-op up / an export of the floor's file:// stack.");
  for (const line of verdicts()) console.log(line);
}
