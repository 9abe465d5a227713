import { describe, expect, it } from "vitest";
import { forwardingStore, type StateStore, type StoreHistoryEntry } from "../src/driver.js";

/** A class-based store, as drivers are written: its methods need their `this`, its url is a getter. */
class RecordingStore implements StateStore {
  readonly calls: unknown[][] = [];
  private opened = "mem://a";
  readonly capabilities = { conditionalWrite: true, };
  readonly credentialSource = "env:TEST";

  get url() {
    return this.opened;
  }

  reopen(url: string) {
    this.opened = url;
  }

  async get(...args: unknown[]) {
    this.calls.push(["get", ...args]);
    return undefined;
  }

  async put(...args: unknown[]) {
    this.calls.push(["put", ...args]);
    return "v1";
  }

  async delete(...args: unknown[]) {
    this.calls.push(["delete", ...args]);
  }

  async list(...args: unknown[]) {
    this.calls.push(["list", ...args]);
    return { objects: [] };
  }

  classifyError() {
    return "Unavailable" as const;
  }

  async close() {
    this.calls.push(["close"]);
  }

  async history(...args: unknown[]): Promise<StoreHistoryEntry[]> {
    this.calls.push(["history", ...args]);
    return [];
  }
}

describe("forwardingStore", () => {
  it("forwards every member it is not given, with every argument, keeping the inner store's this", async () => {
    const inner = new RecordingStore();
    const store = forwardingStore(inner);
    const bytes = new Uint8Array([1]);
    await store.get("k");
    expect(await store.put("k", bytes, { ifMatch: "v0" })).toBe("v1");
    await store.delete("k", { ifMatch: "v1" });
    await store.list("p/", { cursor: "c", limit: 2 });
    await store.history!("k", { limit: 1 });
    await store.close();
    expect(inner.calls).toEqual([["get", "k"], ["put", "k", bytes, { ifMatch: "v0" }], ["delete", "k", { ifMatch: "v1" }], ["list", "p/", { cursor: "c", limit: 2 }], ["history", "k", { limit: 1 }], ["close"]]);
    expect(store.classifyError(new Error("x"))).toBe("Unavailable");
    expect(store.credentialSource).toBe("env:TEST");
    expect(store.capabilities).toBe(inner.capabilities);
    inner.reopen("mem://b");
    expect(store.url).toBe("mem://b"); // read when asked for, not when wrapped
  });

  it("uses the overrides instead, and keeps optional members optional", async () => {
    const inner = new RecordingStore();
    const store = forwardingStore(inner, { url: "mem://view", put: async () => "mine", history: undefined });
    expect(store.url).toBe("mem://view");
    expect(await store.put("k", new Uint8Array())).toBe("mine");
    expect(store.history).toBeUndefined();
    expect(inner.calls).toEqual([]);
    const plain = forwardingStore({ ...forwardingStore(inner), history: undefined, credentialSource: undefined } as StateStore);
    expect("history" in plain).toBe(false);
    expect("credentialSource" in plain).toBe(false);
  });
});
