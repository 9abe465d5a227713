import type { StateStore } from "../store.js";

/** Requests and bytes a store received, by operation. */
export interface StoreTraffic {
  get: number;
  put: number;
  delete: number;
  list: number;
  bytesWritten: number;
  bytesRead: number;
}

/**
 * The store, counting every request it receives (benchmarks and round-trip tests measure the
 * layout through it). `traffic` is live; `reset()` zeroes it.
 */
export function countingStore(store: StateStore): { store: StateStore; traffic: StoreTraffic; requests(): number; reset(): void } {
  const traffic: StoreTraffic = { get: 0, put: 0, delete: 0, list: 0, bytesWritten: 0, bytesRead: 0 };
  const history = store.history?.bind(store);
  const counted: StateStore = {
    get url() {
      return store.url;
    },
    get capabilities() {
      return store.capabilities;
    },
    ...(store.credentialSource === undefined ? {} : { credentialSource: store.credentialSource }),
    ...(history === undefined ? {} : { history }),
    classifyError: (error: unknown) => store.classifyError(error),
    close: () => store.close(),
    get: async (key: string) => {
      traffic.get++;
      const found = await store.get(key);
      traffic.bytesRead += found?.bytes.length ?? 0;
      return found;
    },
    put: (key: string, bytes: Uint8Array, options?: Parameters<StateStore["put"]>[2]) => {
      traffic.put++;
      traffic.bytesWritten += bytes.length;
      return store.put(key, bytes, options);
    },
    delete: (key: string, options?: Parameters<StateStore["delete"]>[1]) => {
      traffic.delete++;
      return store.delete(key, options);
    },
    list: (prefix: string, options?: Parameters<StateStore["list"]>[1]) => {
      traffic.list++;
      return store.list(prefix, options);
    },
  };
  return {
    store: counted,
    traffic,
    requests: () => traffic.get + traffic.put + traffic.delete + traffic.list,
    reset: () => Object.assign(traffic, { get: 0, put: 0, delete: 0, list: 0, bytesWritten: 0, bytesRead: 0 }),
  };
}
