import type { DeleteOptions, ListOptions, ListPage, PutOptions, StateStore, StoredObject } from "@cairn/core/driver";

/** A view of `inner` under `prefix`: each organization's state is a self-managed layout of its own. */
export class PrefixedStore implements StateStore {
  constructor(
    private readonly inner: StateStore,
    private readonly prefix: string,
  ) {}

  get url(): string {
    return `${this.inner.url.replace(/\/$/, "")}/${this.prefix}`;
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  get(key: string): Promise<StoredObject | undefined> {
    return this.inner.get(this.prefix + key);
  }

  put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<string> {
    return this.inner.put(this.prefix + key, bytes, options);
  }

  delete(key: string, options?: DeleteOptions): Promise<void> {
    return this.inner.delete(this.prefix + key, options);
  }

  async list(prefix: string, options?: ListOptions): Promise<ListPage> {
    const page = await this.inner.list(this.prefix + prefix, options);
    return { ...page, objects: page.objects.map((object) => ({ ...object, key: object.key.slice(this.prefix.length) })) };
  }

  classifyError(error: unknown) {
    return this.inner.classifyError(error);
  }

  /** The shared store is closed once, by the server. */
  async close(): Promise<void> {}
}
