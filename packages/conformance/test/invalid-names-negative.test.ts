import { describe, expect, it } from "vitest";
import { createStoreBackend, type StateBackend } from "@cairn/core";
import { MemoryStore } from "@cairn/backend-memory";
import { checkInvalidStackNamesRejected } from "../src/index.js";

const options = { env: {}, username: "names" };
let spaces = 0;
const fresh = () => createStoreBackend(new MemoryStore(`conformance-names-${process.pid}-${++spaces}`), options);

/** A backend that trusts whatever name it is given (as a careless HTTP backend might). */
function acceptsAnyName(inner: StateBackend): StateBackend {
  return Object.assign(Object.create(inner) as StateBackend, {
    createStack: async (ref: Parameters<StateBackend["createStack"]>[0]) => ({ ref }),
    getStack: async () => undefined,
  });
}

describe("the invalid-stack-name check", () => {
  it("passes on createStoreBackend, which validates names", async () => {
    await checkInvalidStackNamesRejected(fresh());
  });

  it("fails on a backend that accepts any name", async () => {
    await expect(checkInvalidStackNamesRejected(acceptsAnyName(fresh()))).rejects.toThrow(/createStack with stack name "".*succeeded/);
  });
});
