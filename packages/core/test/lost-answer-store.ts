import { CairnError } from "../src/index.js";
import { forwardingStore, withRetry, type DeleteOptions, type PutOptions, type StateStore } from "../src/driver.js";

/** What one injected fault does to one try of a write. */
export interface WriteFault {
  /** Which write it hits (the first matching try takes it; it then is spent). */
  matches: (operation: "put" | "delete", key: string, options: PutOptions & DeleteOptions) => boolean;
  /**
   * `lost-answer`: the write reaches the real store and lands, then its answer is lost (a reset
   * after sending). `not-sent`: the try fails ambiguously without the store seeing it.
   */
  kind: "lost-answer" | "not-sent";
  /** Runs before the try reaches the store: another writer acting in the window. */
  meanwhile?: () => Promise<void>;
}

/**
 * A store driver the way the S3, Azure and GCS drivers are built — a real store underneath, every
 * call retried through core's `withRetry` — with write faults injected between the two. The real
 * store (memory) decides every precondition; the wrapper only loses answers. Everything a try
 * sent is recorded in `writes`, so a test can tell how many tries reached the store; `faults`
 * takes the faults to inject.
 */
export function lostAnswerStore(inner: StateStore): StateStore & { readonly faults: WriteFault[]; readonly writes: string[] } {
  const faults: WriteFault[] = [];
  /** `put <key>` / `delete <key>` for every try that reached the real store. */
  const writes: string[] = [];
  const faulty = async <T>(operation: "put" | "delete", key: string, options: PutOptions & DeleteOptions, send: () => Promise<T>): Promise<T> => {
    const index = faults.findIndex((fault) => fault.matches(operation, key, options));
    const fault = index === -1 ? undefined : faults.splice(index, 1)[0];
    await fault?.meanwhile?.();
    const lost = () => new CairnError("Unavailable", `${operation} ${key}: the connection was reset before the answer arrived`, { retryable: true });
    if (fault?.kind === "not-sent") throw lost();
    writes.push(`${operation} ${key}`);
    const result = await send();
    if (fault?.kind === "lost-answer") throw lost();
    return result;
  };
  const store = forwardingStore(inner, {
    put: (key, bytes, options = {}) => withRetry(() => faulty("put", key, options, () => inner.put(key, bytes, options)), { baseDelayMs: 0 }),
    delete: (key, options = {}) => withRetry(() => faulty("delete", key, options, () => inner.delete(key, options)), { baseDelayMs: 0 }),
  });
  return Object.assign(store, { faults, writes });
}
