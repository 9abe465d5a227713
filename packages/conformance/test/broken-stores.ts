import { CairnError } from "@cairn/core";
import { forwardingStore, type PutOptions, type StateStore } from "@cairn/core/driver";

// The broken stores the negative self-tests feed to the checks: each forwards to `inner` (core's
// `forwardingStore`) except for the one behaviour it breaks.

/** Claims conditional writes but drops `ifNoneMatch`: creates overwrite. */
export function ignoresIfNoneMatch(inner: StateStore): StateStore {
  return forwardingStore(inner, { put: (key, bytes, options = {}) => inner.put(key, bytes, options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }) });
}

/** Loses the final page whenever a listing needed more than one page. */
export function dropsLastPage(inner: StateStore): StateStore {
  return forwardingStore(inner, {
    list: async (prefix, options = {}) => {
      const page = await inner.list(prefix, options);
      return options.cursor !== undefined && page.cursor === undefined ? { objects: [] } : page;
    },
  });
}

/** Reports the first version a key ever had, from both put and get (a cache that never invalidates). */
export function returnsStaleVersions(inner: StateStore): StateStore {
  const firstVersions = new Map<string, string>();
  const remember = (key: string, version: string) => {
    if (!firstVersions.has(key)) firstVersions.set(key, version);
    return firstVersions.get(key)!;
  };
  return forwardingStore(inner, {
    put: async (key, bytes, options) => remember(key, await inner.put(key, bytes, options)),
    get: async (key) => {
      const found = await inner.get(key);
      return found && { bytes: found.bytes, version: remember(key, found.version) };
    },
  });
}

/** Answers `Error` objects instead of Conflict CairnErrors when a precondition fails. */
export function throwsPlainConflicts(inner: StateStore): StateStore {
  const plain = async <T>(action: () => Promise<T>) => {
    try {
      return await action();
    } catch (error) {
      throw new Error(`precondition failed: ${String(error)}`);
    }
  };
  return forwardingStore(inner, { put: (key, bytes, options) => plain(() => inner.put(key, bytes, options)) });
}

/**
 * Checks `ifMatch` / `ifNoneMatch` itself, then writes unconditionally after an await: the
 * read-compare-write a store without server-side preconditions is tempted into. Every
 * precondition is honoured one at a time; two writers in the window both win.
 */
export function nonAtomicCompareAndSwap(inner: StateStore): StateStore {
  const check = async (key: string, options: PutOptions) => {
    if (options.ifMatch === undefined && options.ifNoneMatch === undefined) return;
    const found = await inner.get(key);
    if (options.ifNoneMatch === "*" && found !== undefined) throw new CairnError("Conflict", `${key} exists`);
    if (options.ifMatch !== undefined && found?.version !== options.ifMatch) throw new CairnError("Conflict", `${key} changed`);
    await new Promise((resolve) => setImmediate(resolve)); // the window: another writer's check runs here
  };
  return forwardingStore(inner, {
    put: async (key, bytes, options = {}) => {
      await check(key, options);
      return inner.put(key, bytes);
    },
    delete: async (key, options = {}) => {
      await check(key, options);
      return inner.delete(key);
    },
  });
}

/** Claims conditional writes but drops `ifMatch` on put and delete: stale writers overwrite. */
export function ignoresIfMatch(inner: StateStore): StateStore {
  return forwardingStore(inner, {
    put: (key, bytes, options = {}) => inner.put(key, bytes, options.ifNoneMatch === undefined ? {} : { ifNoneMatch: options.ifNoneMatch }),
    delete: (key) => inner.delete(key),
  });
}

/** Drops every call's `signal`, as a driver that never looks at it would: the calls run to their end. */
export function ignoresSignals(inner: StateStore): StateStore {
  const without = <T extends { signal?: AbortSignal }>(options: T | undefined): Omit<T, "signal"> => {
    const { signal: _signal, ...rest } = options ?? ({} as T);
    return rest;
  };
  return forwardingStore(inner, {
    get: (key, options) => inner.get(key, without(options)),
    put: (key, bytes, options) => inner.put(key, bytes, without(options)),
    delete: (key, options) => inner.delete(key, without(options)),
    list: (prefix, options) => inner.list(prefix, without(options)),
  });
}
