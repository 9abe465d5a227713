import { wrapStoreError } from "./wrap-store-error.js";
import { fsErrorHint } from "../fs/fs-errors.js";
import type { CallOptions, DeleteOptions, GetOptions, ListOptions, ListPage, PutOptions, StateStore, StoreHistoryEntry, StoredObject } from "../store.js";
import { forwardingStore } from "./forwarding-store.js";
import { ownDeleteLanded, ownPutLanded } from "./own-write.js";

/**
 * The store as the layout sees it: every native error a driver throws becomes a `CairnError`
 * (through the driver's own `classifyError`) naming the operation and key, so the layout can
 * branch on codes (`Conflict` from a lost conditional create) whatever the store.
 *
 * It is also where a retried conditional write recognises its own earlier try, for every store
 * alike (see `own-write.ts` and `StateStore.put`): an ambiguous `Conflict` on a put the caller
 * marked `bytesIdentifyWrite` (a delete marked `soleWriter`) is read back, and is a success when
 * the store holds exactly what this write meant to leave.
 */
export function classifiedStore(store: StateStore): StateStore {
  const run = async <T>(operation: string, key: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      // A file system error that says the path itself is wrong (too long, a directory) gets its next step.
      throw wrapStoreError(error, (native) => store.classifyError(native), operation, key, fsErrorHint(error));
    }
  };
  const history = store.history?.bind(store);
  const readVersion = store.readVersion?.bind(store);
  // What the read-back after an ambiguous conflict uses: the classified get.
  const get = { get: (key: string, options?: GetOptions) => run("get", key, () => store.get(key, options)) };
  return forwardingStore(store, {
    ...(history === undefined
      ? {}
      : { history: (key: string, options?: Parameters<NonNullable<StateStore["history"]>>[1]): Promise<StoreHistoryEntry[]> => run("history", key, () => history(key, options)) }),
    ...(readVersion === undefined
      ? {}
      : { readVersion: (key: string, version: string, options?: CallOptions): Promise<Uint8Array | undefined> => run("readVersion", key, () => readVersion(key, version, options)) }),
    get: (key: string, options?: GetOptions): Promise<StoredObject | undefined> => get.get(key, options),
    put: async (key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> => {
      const { bytesIdentifyWrite, ...driverOptions } = options;
      try {
        return await run("put", key, () => store.put(key, bytes, driverOptions));
      } catch (error) {
        const version = bytesIdentifyWrite ? await ownPutLanded(get, key, bytes, error) : undefined;
        if (version === undefined) throw error;
        return version;
      }
    },
    delete: async (key: string, options: DeleteOptions = {}): Promise<void> => {
      const { soleWriter, ...driverOptions } = options;
      try {
        await run("delete", key, () => store.delete(key, driverOptions));
      } catch (error) {
        if (!soleWriter || !(await ownDeleteLanded(get, key, error))) throw error;
      }
    },
    list: (prefix: string, options?: ListOptions): Promise<ListPage> => run("list", prefix, () => store.list(prefix, options)),
  });
}
