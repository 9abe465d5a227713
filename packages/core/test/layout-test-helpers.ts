import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { createStoreBackend, type StackRef, type StateBackend, type StoreBackendOptions, type UntypedDeployment } from "../src/index.js";
import { listAll, type StateStore } from "../src/driver.js";

/** Shared by the layout and checkpoint tests: fixtures, a memory store, and store inspection. */

// The reference store from @cairn/backend-memory, loaded from its source by path: core cannot
// depend on a backend package (that would be a workspace cycle), and a static import of a file
// outside core would put it under core's rootDir for the type checker.
const MEMORY_STORE_SOURCE = fileURLToPath(new URL("../../backend-memory/src/memory-store.ts", import.meta.url));
const { MemoryStore } = (await import(MEMORY_STORE_SOURCE)) as { MemoryStore: new (name?: string) => StateStore };

/** Written by the real Pulumi CLI: see fixtures/pulumi/README.md and generate.mjs there. */
export const FIXTURES = new URL("./fixtures/pulumi/", import.meta.url);

/** The passphrase the fixtures' secrets are sealed with (fixtures/pulumi/README.md). */
export const FIXTURE_PASSPHRASE = "cairn fixtures: correct horse battery staple";

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** A fixture checkpoint file turned into what `stack export` would print for it. */
export function fixtureDeployment(name: string): UntypedDeployment {
  const file = JSON.parse(fixtureText(name)) as { version: number; features?: string[]; checkpoint: { latest: Record<string, unknown> } };
  return { version: file.version, ...(file.features ? { features: file.features } : {}), deployment: file.checkpoint.latest };
}

let spaces = 0;

/** A fresh, uniquely named memory space; `backend()` opens another backend over the same space. */
export function memorySpace(defaults: StoreBackendOptions = {}) {
  const name = `layout-test-${process.pid}-${++spaces}`;
  const store = new MemoryStore(name);
  return {
    store,
    backend: (options: StoreBackendOptions = {}): StateBackend =>
      createStoreBackend(new MemoryStore(name), { env: {}, username: "alice", hostname: "host-a", pid: 4242, ...defaults, ...options }),
    keys: async (prefix = ""): Promise<string[]> => (await listAll(store, prefix)).map((object) => object.key),
    text: async (key: string): Promise<string> => {
      const found = await store.get(key);
      if (found === undefined) throw new Error(`no object at ${key}`);
      const bytes = found.bytes[0] === 0x1f && found.bytes[1] === 0x8b ? gunzipSync(found.bytes) : found.bytes;
      return new TextDecoder().decode(bytes);
    },
    put: async (key: string, text: string): Promise<void> => {
      await store.put(key, new TextEncoder().encode(text));
    },
  };
}

export const DEV: StackRef = { organization: "organization", project: "countdown", name: "foo" };
