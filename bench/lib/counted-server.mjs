// cairn-server for benchmarks, in its own process, with its store wrapped by core's countingStore
// so a benchmark can read the requests and bytes that reached the store — what `bin/cairn-server`
// does (openDataStore, startServer) without its argument parsing, and with no change to the server.
//
//   node bench/lib/counted-server.mjs <data URL>
//   env: CAIRN_SERVER_MASTER_KEY (hex), CAIRN_SERVER_ADMIN_TOKEN, PULUMI_HOME, and the store's own
//        (AWS_* for s3://)
//
// Prints `listening on <url>` once it listens. Each line `stats` on stdin is answered with a line
// `stats {"requests":…,"get":…,"put":…,"delete":…,"list":…,"bytesWritten":…,"bytesRead":…}`
// (cumulative since start). Closes stdin or SIGTERM: stops. Request logs go to stderr as usual.
import { createInterface } from "node:readline";
import { jsonLogger, openDataStore, parseMasterKey, startServer } from "../../apps/server/dist/index.js";
import { countingStore, pulumiHome } from "../../packages/core/dist/index.js";

const data = process.argv[2];
if (data === undefined) {
  process.stderr.write("usage: node bench/lib/counted-server.mjs <data URL>\n");
  process.exit(2);
}
const counted = countingStore(await openDataStore(data, process.env, pulumiHome(process.env)));
const server = await startServer({
  store: counted.store,
  masterKeys: { current: parseMasterKey(process.env.CAIRN_SERVER_MASTER_KEY ?? "", "CAIRN_SERVER_MASTER_KEY"), previous: [] },
  port: 0,
  // Room for the largest runs' checkpoints (3,000 components of 16 KB): an operator would set it.
  maxBodyBytes: 512 * 1024 * 1024,
  ...(process.env.CAIRN_SERVER_ADMIN_TOKEN ? { adminToken: process.env.CAIRN_SERVER_ADMIN_TOKEN } : {}),
  logger: jsonLogger(),
});
process.stdout.write(`listening on ${server.url}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.once("SIGTERM", stop);
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "stats") process.stdout.write(`stats ${JSON.stringify({ requests: counted.requests(), ...counted.traffic })}\n`);
});
lines.on("close", stop);
