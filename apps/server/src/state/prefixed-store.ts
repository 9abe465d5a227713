import { forwardingStore, type StateStore } from "@cairn/core/driver";

/** A view of `inner` under `prefix`: each organization's state is a self-managed layout of its own. */
export function prefixedStore(inner: StateStore, prefix: string): StateStore {
  const history = inner.history?.bind(inner);
  return forwardingStore(inner, {
    url: `${inner.url.replace(/\/$/, "")}/${prefix}`,
    get: (key, ...rest) => inner.get(prefix + key, ...rest),
    put: (key, ...rest) => inner.put(prefix + key, ...rest),
    delete: (key, ...rest) => inner.delete(prefix + key, ...rest),
    list: async (listPrefix, ...rest) => {
      const page = await inner.list(prefix + listPrefix, ...rest);
      return { ...page, objects: page.objects.map((object) => ({ ...object, key: object.key.slice(prefix.length) })) };
    },
    history: history === undefined ? undefined : (key, ...rest) => history(prefix + key, ...rest),
    /** The shared store is closed once, by the server. */
    close: async () => {},
  });
}
