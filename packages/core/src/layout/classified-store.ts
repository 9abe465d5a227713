import { wrapStoreError } from "../errors.js";
import { fsErrorHint } from "../fs/fs-errors.js";
import type { DeleteOptions, ListOptions, ListPage, PutOptions, StateStore, StoreHistoryEntry, StoredObject } from "../store.js";

/**
 * The store as the layout sees it: every native error a driver throws becomes a `CairnError`
 * (through the driver's own `classifyError`) naming the operation and key, so the layout can
 * branch on codes (`Conflict` from a lost conditional create) whatever the store.
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
  return {
    ...(history === undefined
      ? {}
      : { history: (key: string, options?: { limit?: number }): Promise<StoreHistoryEntry[]> => run("history", key, () => history(key, options)) }),
    get url() {
      return store.url;
    },
    get capabilities() {
      return store.capabilities;
    },
    ...(store.credentialSource === undefined ? {} : { credentialSource: store.credentialSource }),
    get: (key: string): Promise<StoredObject | undefined> => run("get", key, () => store.get(key)),
    put: (key: string, bytes: Uint8Array, options?: PutOptions): Promise<string> => run("put", key, () => store.put(key, bytes, options)),
    delete: (key: string, options?: DeleteOptions): Promise<void> => run("delete", key, () => store.delete(key, options)),
    list: (prefix: string, options?: ListOptions): Promise<ListPage> => run("list", prefix, () => store.list(prefix, options)),
    classifyError: (error: unknown) => store.classifyError(error),
    close: () => store.close(),
  };
}
