import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inject } from "vitest";
import { createStoreBackend, openBackend, PluginRegistry, type StateBackend } from "@cairn/core";
import { listAll, type StateStore } from "@cairn/core/driver";
import { spawnServer } from "@cairn/server/testing";
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from "@cairn/test-servers/azurite";
import { createBareRepo, startGitHttpServer } from "@cairn/test-servers/git-http";

const CLI_DIR = fileURLToPath(new URL("../../../../apps/cli/", import.meta.url));

/**
 * One store (or the service) as the fault harness drives it: the origin the proxy forwards to,
 * and how to open a client whose endpoint is a given `host:port` — the proxy's, or the origin's
 * own for reading the truth back without faults. Every open is a new client (its own SDK client,
 * clone cache or connection), as a separate process would have. Stores are opened by URL through
 * the plugins bundled with the CLI, exactly as `cairn login <url>` opens them.
 */
export interface FaultTarget {
  name: string;
  /** `host:port` of the emulator or server. */
  originHost: string;
  /** Fresh, empty state: a key prefix, a repository, a project. */
  newSpace(): Promise<string>;
  /** The raw store (absent for the service, which is a backend, not a store). */
  store?: (host: string, space: string) => Promise<StateStore>;
  /** A backend; `hostname` is what its locks record (one per writer, so each knows its own lock). */
  backend(host: string, space: string, hostname: string): Promise<StateBackend>;
  /** Every JSON object of the space (the service: every stack), read directly at the origin: those that do not parse. */
  tornJson(space: string): Promise<{ scanned: number; torn: string[] }>;
  dispose(): Promise<void>;
}

const homes: string[] = [];
function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cairn-faults-${label}-`));
  homes.push(dir);
  return dir;
}
function removeTempDirs(): void {
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
}

async function openStoreByUrl(url: string, env: Record<string, string | undefined>): Promise<StateStore> {
  const home = tempDir("home");
  const plugin = await new PluginRegistry().resolve(new URL(url).protocol.slice(0, -1), { home, cliDir: CLI_DIR });
  const opened = await plugin.open(new URL(url), { home, cwd: home, env, urlText: url });
  if (!("put" in opened)) throw new Error(`${url} opened a backend, not a store`);
  return opened;
}

const storeBackend = (store: StateStore, hostname: string) => createStoreBackend(store, { env: {}, username: "faults", hostname, pid: process.pid });
const space = () => `faults-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;

async function tornJsonInStore(store: StateStore, prefix = ""): Promise<{ scanned: number; torn: string[] }> {
  const torn: string[] = [];
  let scanned = 0;
  try {
    for (const { key } of await listAll(store, prefix)) {
      if (!key.endsWith(".json")) continue;
      scanned++;
      const found = await store.get(key);
      if (found === undefined) continue;
      try {
        JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(found.bytes));
      } catch (error) {
        torn.push(`${key}: ${(error as Error).message}`);
      }
    }
  } finally {
    await store.close();
  }
  return { scanned, torn };
}

/** Opens a store target from a URL builder; the raw scan reads the origin directly. */
function storeTarget(name: string, originHost: string, url: (host: string, space: string) => string, env: Record<string, string | undefined>, newSpace = async () => space()): FaultTarget {
  const store = (host: string, at: string) => openStoreByUrl(url(host, at), env);
  return {
    name,
    originHost,
    newSpace,
    store,
    backend: async (host, at, hostname) => storeBackend(await store(host, at), hostname),
    tornJson: async (at) => tornJsonInStore(await store(originHost, at)),
    dispose: async () => removeTempDirs(),
  };
}

const hostOf = (url: string) => new URL(url).host;

export function s3Target(): FaultTarget {
  const s3 = inject("interopS3");
  return storeTarget("s3", hostOf(s3.endpoint), (host, at) => `s3://interop/${at}?endpoint=${host}&disable_https=true&use_path_style=true&region=${s3.region}`, {
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
  });
}

export function azblobTarget(): FaultTarget {
  return storeTarget("azblob", inject("interopAzurite").host, (host, at) => `azblob://interop/${at}?localemu=true&domain=${host}&protocol=http`, {
    AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT_NAME,
    AZURE_STORAGE_KEY: AZURITE_ACCOUNT_KEY,
  });
}

export function gsTarget(): FaultTarget {
  process.env.METADATA_SERVER_DETECTION = "none";
  return storeTarget("gs", hostOf(inject("interopGcs").endpoint), (host, at) => `gs://interop/${at}?endpoint=${encodeURIComponent(`http://${host}`)}`, {
    METADATA_SERVER_DETECTION: "none",
  });
}

/** The real `git http-backend` behind its Basic-auth wrapper; a space is a fresh bare repository. */
export async function gitTarget(): Promise<FaultTarget> {
  const root = mkdtempSync(join(tmpdir(), "cairn-faults-repos-"));
  const server = await startGitHttpServer({ root, users: { tester: "s3cret" } });
  const env = { GIT_TOKEN: "tester:s3cret", GIT_AUTHOR_NAME: "Cairn Faults", GIT_AUTHOR_EMAIL: "faults@cairn.invalid" };
  const target = storeTarget("git", hostOf(server.baseUrl), (host, at) => `git+http://${host}/${at}.git`, env, async () => {
    const name = space();
    createBareRepo(root, name);
    return name;
  });
  return {
    ...target,
    dispose: async () => {
      await target.dispose();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A real cairn-server process over a file:// data directory; a space is a project. */
export async function serviceTarget(): Promise<FaultTarget> {
  const root = mkdtempSync(join(tmpdir(), "cairn-faults-service-"));
  const dataDir = join(root, "data");
  const server = await spawnServer({ data: pathToFileURL(dataDir).href, home: root });
  const env = { PULUMI_ACCESS_TOKEN: server.adminToken };
  return {
    name: "service",
    originHost: hostOf(server.url),
    newSpace: async () => space(),
    backend: async (host) => (await openBackend(`http://${host}`, { env, cwd: root, home: join(root, ".pulumi"), cliDir: CLI_DIR })).backend,
    // The server encrypts its files at rest, so they are checked through it: every stack of the
    // project must export (the server decrypts, parses and validates it).
    tornJson: async (at) => {
      const { backend } = await openBackend(server.url, { env, cwd: root, home: join(root, ".pulumi"), cliDir: CLI_DIR });
      const torn: string[] = [];
      try {
        const stacks = await backend.listStacks({ project: at });
        for (const stack of stacks) {
          await backend.exportDeployment(stack.ref).catch((error: unknown) => torn.push(`${stack.ref.project}/${stack.ref.name}: ${(error as Error).message}`));
        }
        return { scanned: stacks.length, torn };
      } finally {
        await backend.close();
      }
    },
    dispose: async () => {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
