import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { stopChild } from "./child-process.js";
import { freePort, waitForPort } from "./ports.js";

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT_NAME = "devstoreaccount1";
export const AZURITE_ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteServer {
  /** `127.0.0.1:<port>`: what `domain=` takes together with `localemu=true`. */
  host: string;
  port: number;
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  blobEndpoint: string;
  /** A full connection string for the development account, pointing at this server. */
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob service, in memory, on a free loopback port. `--skipApiVersionCheck` is
 * needed because the pinned SDK speaks a newer API version than Azurite knows; telemetry is off so
 * nothing tries to reach the internet.
 */
export interface AzuriteOptions {
  /** Blob containers to create once the emulator listens. */
  containers?: readonly string[];
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteServer> {
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve("azurite/package.json")), "dist/src/blob/main.js");
  const port = await freePort();
  const args = [main, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--inMemoryPersistence", "--silent", "--disableTelemetry", "--skipApiVersionCheck"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  try {
    await Promise.race([waitForPort(port), exitedEarly(child, output)]);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const host = `127.0.0.1:${port}`;
  const blobEndpoint = `http://${host}/${AZURITE_ACCOUNT_NAME}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;
  if (options.containers?.length) {
    const { BlobServiceClient } = await import("@azure/storage-blob");
    const service = BlobServiceClient.fromConnectionString(connectionString);
    for (const name of options.containers) await service.getContainerClient(name).createIfNotExists();
  }
  return { host, port, blobEndpoint, connectionString, stop: () => stopChild(child) };
}

function exitedEarly(child: ChildProcess, output: string[]): Promise<never> {
  return new Promise((_, reject) => {
    child.once("exit", (code) => reject(new Error(`azurite exited with ${String(code)} before listening:\n${output.join("")}`)));
  });
}

