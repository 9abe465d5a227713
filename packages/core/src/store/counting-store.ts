import type { StateStore } from "../store.js";
import { forwardingStore } from "./forwarding-store.js";

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
  const counted = forwardingStore(store, {
    get: async (key, ...rest) => {
      traffic.get++;
      const found = await store.get(key, ...rest);
      traffic.bytesRead += found?.bytes.length ?? 0;
      return found;
    },
    put: (key, bytes, ...rest) => {
      traffic.put++;
      traffic.bytesWritten += bytes.length;
      return store.put(key, bytes, ...rest);
    },
    delete: (...args) => {
      traffic.delete++;
      return store.delete(...args);
    },
    list: (...args) => {
      traffic.list++;
      return store.list(...args);
    },
  });
  return {
    store: counted,
    traffic,
    requests: () => traffic.get + traffic.put + traffic.delete + traffic.list,
    reset: () => Object.assign(traffic, { get: 0, put: 0, delete: 0, list: 0, bytesWritten: 0, bytesRead: 0 }),
  };
}
