import { CairnError, throwIfCanceled, type DeleteOptions, type ErrorCode, type GetOptions, type ListOptions, type ListPage, type PutOptions, type StateStore, type StoredObject } from "@cairn/core/driver";

/**
 * The reference store: every rule of the SPI, nothing else. Values are copied in and out so a
 * caller can never mutate what is stored. Stores opened with the same name share their contents
 * within one process, which is what the conformance suite's two-instance tests need.
 */
const namedSpaces = new Map<string, Map<string, StoredObject>>();

export class MemoryStore implements StateStore {
  readonly url: string;
  readonly capabilities = { conditionalWrite: true } as const;
  private readonly objects: Map<string, StoredObject>;
  private static nextVersion = 1;

  constructor(name = "default") {
    this.url = `memory://${name}`;
    let space = namedSpaces.get(name);
    if (space === undefined) namedSpaces.set(name, (space = new Map()));
    this.objects = space;
  }

  /** Forgets every named space (between tests). */
  static reset(): void {
    namedSpaces.clear();
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | undefined> {
    throwIfCanceled(options.signal, `get ${key}`);
    const found = this.objects.get(key);
    return found && { bytes: found.bytes.slice(), version: found.version };
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    throwIfCanceled(options.signal, `put ${key}`);
    this.checkPreconditions(key, options);
    const version = String(MemoryStore.nextVersion++);
    this.objects.set(key, { bytes: bytes.slice(), version });
    return version;
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    throwIfCanceled(options.signal, `delete ${key}`);
    this.checkPreconditions(key, options);
    this.objects.delete(key);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    throwIfCanceled(options.signal, `list ${prefix}`);
    const limit = options.limit ?? 1000;
    const keys = [...this.objects.keys()]
      .filter((key) => key.startsWith(prefix) && (options.cursor === undefined || key > options.cursor))
      .sort();
    const page = keys.slice(0, limit);
    const objects = page.map((key) => {
      const found = this.objects.get(key)!;
      return { key, size: found.bytes.length, version: found.version };
    });
    return keys.length > limit ? { objects, cursor: page.at(-1)! } : { objects };
  }

  classifyError(error: unknown): ErrorCode {
    return error instanceof CairnError ? error.code : "Internal";
  }

  async close(): Promise<void> {}

  private checkPreconditions(key: string, options: PutOptions | DeleteOptions): void {
    const current = this.objects.get(key);
    if ("ifNoneMatch" in options && options.ifNoneMatch === "*" && current !== undefined) {
      throw new CairnError("Conflict", `${key} already exists`);
    }
    if (options.ifMatch !== undefined && current?.version !== options.ifMatch) {
      throw new CairnError("Conflict", `${key} changed since version ${options.ifMatch}`);
    }
  }
}
