import type { StateStore } from "../store.js";

/** The members a wrapper replaces; everything else reaches the inner store unchanged. */
export type StoreOverrides = Partial<Pick<StateStore, "url" | "capabilities" | "credentialSource" | "get" | "put" | "delete" | "list" | "history" | "readVersion" | "classifyError" | "close">>;

/**
 * A store that forwards every call to `inner` except the members in `overrides`: the one base of
 * every store wrapper (core's classified and counting stores, the server's prefixed and encrypted
 * stores, the tests' broken and faulty stores), so none of them restates the whole interface.
 *
 * Calls go through closures, never a spread of `inner`, so a class-based driver keeps its `this`
 * and its getters are read when asked for, not when wrapped. Arguments are passed on as they
 * came. The optional members stay optional: `history` (and `readVersion`, alike) exists when `inner` has it (or an override
 * gives it; an override of `undefined` takes it away), `credentialSource` when `inner` has one.
 */
export function forwardingStore(inner: StateStore, overrides: StoreOverrides = {}): StateStore {
  const has = (member: keyof StoreOverrides) => Object.prototype.hasOwnProperty.call(overrides, member);
  const store: StateStore = {
    get url() {
      return has("url") ? overrides.url! : inner.url;
    },
    get capabilities() {
      return has("capabilities") ? overrides.capabilities! : inner.capabilities;
    },
    get: overrides.get ?? ((...args) => inner.get(...args)),
    put: overrides.put ?? ((...args) => inner.put(...args)),
    delete: overrides.delete ?? ((...args) => inner.delete(...args)),
    list: overrides.list ?? ((...args) => inner.list(...args)),
    classifyError: overrides.classifyError ?? ((error) => inner.classifyError(error)),
    close: overrides.close ?? (() => inner.close()),
  };
  const history = has("history") ? overrides.history : inner.history === undefined ? undefined : (...args: Parameters<NonNullable<StateStore["history"]>>) => inner.history!(...args);
  if (history !== undefined) store.history = history;
  const readVersion = has("readVersion") ? overrides.readVersion : inner.readVersion === undefined ? undefined : (...args: Parameters<NonNullable<StateStore["readVersion"]>>) => inner.readVersion!(...args);
  if (readVersion !== undefined) store.readVersion = readVersion;
  if (has("credentialSource") ? overrides.credentialSource !== undefined : inner.credentialSource !== undefined) {
    Object.defineProperty(store, "credentialSource", { enumerable: true, get: () => (has("credentialSource") ? overrides.credentialSource : inner.credentialSource) });
  }
  return store;
}
