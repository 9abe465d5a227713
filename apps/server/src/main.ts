import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { isCairnError, pulumiHome } from "@cairn/core";
import { runAuditCli } from "./audit/audit-cli.js";
import { openDataStore } from "./data-store.js";
import { jsonLogger } from "./log.js";
import { parseMasterKey, readMasterKeyFile, type MasterKey } from "./state/master-key.js";
import { startServer } from "./server.js";

/** The version this server was published as (its package.json, beside `dist/` and `src/` alike). */
export const SERVER_VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

const USAGE = `Usage: cairn-server [--version] [--data <store URL>] [--port <n>] [--host <address>]
                    [--master-key-file <path>] [--previous-master-key-file <path>]...
                    [--lease-seconds <n>] [--max-body-bytes <n>] [--public-url <url>]
                    [--trust-proxy <hops>] [--tls-cert <PEM file> --tls-key <PEM file>]
       cairn-server audit export --data <store URL> (--org <name> | --site)
                    [--since <ISO time>] [--until <ISO time>] [--order newest|oldest]

  --data       where everything is stored (default file://~/.cairn-server/data); s3://, azblob://
               and gs:// let several instances share one bucket
  --trust-proxy
               the number of reverse proxies in front of the server that append to
               X-Forwarded-For; the audit log then records the client address they saw (default 0:
               the header is ignored). Only when every request comes through them.
  audit export writes an organization's (or the site's) audit log to stdout as JSON lines,
               reading the store directly (no running server needed)
  --tls-cert, --tls-key
               serve https with this certificate (chain) and private key, both PEM; re-read when
               the files change or on SIGHUP, without dropping connections
  Environment: CAIRN_SERVER_MASTER_KEY (instead of --master-key-file),
               CAIRN_SERVER_ADMIN_TOKEN (the bootstrap admin's token on first start)`;

/** `cairn-server …`: returns the exit code once the server has stopped (SIGINT/SIGTERM). */
export async function runServerCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === "audit") return runAuditCli(argv.slice(1), env, USAGE);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: "string" },
        port: { type: "string", default: "8080" },
        host: { type: "string", default: "127.0.0.1" },
        "master-key-file": { type: "string" },
        "previous-master-key-file": { type: "string", multiple: true },
        "lease-seconds": { type: "string" },
        "max-body-bytes": { type: "string" },
        "public-url": { type: "string" },
        "trust-proxy": { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return 0;
  }
  if ((values["tls-cert"] === undefined) !== (values["tls-key"] === undefined)) {
    process.stderr.write(`--tls-cert and --tls-key go together: give both (the certificate and its private key) or neither\n${USAGE}\n`);
    return 2;
  }
  const trustProxy = values["trust-proxy"] === undefined ? undefined : Number(values["trust-proxy"]);
  if (trustProxy !== undefined && !(Number.isInteger(trustProxy) && trustProxy >= 0 && trustProxy <= 10)) {
    process.stderr.write(`--trust-proxy takes the number of proxies in front of the server (0 to 10)\n${USAGE}\n`);
    return 2;
  }
  const logger = jsonLogger();
  try {
    const serverHome = join(homedir(), ".cairn-server");
    const data = values.data ?? pathToFileURL(join(serverHome, "data")).href;
    if (values.data === undefined) await mkdir(join(serverHome, "data"), { recursive: true, mode: 0o700 });
    const current = await masterKey(values["master-key-file"], env, serverHome, logger);
    const previous = await Promise.all((values["previous-master-key-file"] ?? []).map(readMasterKeyFile));
    const store = await openDataStore(data, env, pulumiHome(env));
    const server = await startServer({
      store,
      masterKeys: { current, previous },
      port: Number.parseInt(values.port, 10),
      host: values.host,
      ...(values["lease-seconds"] ? { leaseSeconds: Number(values["lease-seconds"]) } : {}),
      ...(values["max-body-bytes"] ? { maxBodyBytes: Number(values["max-body-bytes"]) } : {}),
      ...(values["public-url"] ? { publicUrl: values["public-url"] } : {}),
      ...(trustProxy === undefined ? {} : { trustProxy }),
      ...(values["tls-cert"] !== undefined && values["tls-key"] !== undefined ? { tls: { certFile: values["tls-cert"], keyFile: values["tls-key"] } } : {}),
      ...(env.CAIRN_SERVER_ADMIN_TOKEN ? { adminToken: env.CAIRN_SERVER_ADMIN_TOKEN } : {}),
      logger,
    });
    if (server.bootstrapToken !== undefined) {
      // Printed once, to the operator's terminal, never logged: the only copy of the admin's token.
      process.stdout.write(`cairn-server: created the site admin "admin". Its access token (shown once):\n${server.bootstrapToken}\n`);
    }
    process.stdout.write(`cairn-server listening on ${server.url}\n`);
    // Only with TLS: otherwise SIGHUP keeps its default (the server stops, as it always did).
    const reloadTls = server.reloadTls;
    const onHangup = reloadTls === undefined ? undefined : () => void reloadTls("SIGHUP");
    if (onHangup !== undefined) process.on("SIGHUP", onHangup);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    if (onHangup !== undefined) process.off("SIGHUP", onHangup);
    await server.close();
    return 0;
  } catch (error) {
    logger.error("cannot start", { error: error instanceof Error ? error.message : String(error), ...(isCairnError(error) && error.hint ? { hint: error.hint } : {}) });
    return 1;
  }
}

/** `--master-key-file`, else `CAIRN_SERVER_MASTER_KEY`, else a key generated once beside the default data. */
async function masterKey(file: string | undefined, env: NodeJS.ProcessEnv, serverHome: string, logger: ReturnType<typeof jsonLogger>): Promise<MasterKey> {
  if (file !== undefined) return readMasterKeyFile(file);
  if (env.CAIRN_SERVER_MASTER_KEY) return parseMasterKey(env.CAIRN_SERVER_MASTER_KEY, "CAIRN_SERVER_MASTER_KEY");
  const path = join(serverHome, "master.key");
  await mkdir(serverHome, { recursive: true, mode: 0o700 });
  try {
    return parseMasterKey(await readFile(path, "utf8"), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await writeFile(path, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  logger.info("generated a master key; keep it apart from the data and back it up", { path });
  return parseMasterKey(await readFile(path, "utf8"), path);
}
