import { describe, expect, it, inject } from "vitest";
import { isCairnError } from "@cairn/core";
import { openGsStore } from "../src/index.js";
import { CLEAN_ENV } from "./helpers.js";

/**
 * The environment Pulumi's Google SDK reads, so one `gs://` URL reaches the same emulator from both
 * tools: `STORAGE_EMULATOR_HOST` (`host:port`, no URL parameter) and `GOOGLE_OAUTH_ACCESS_TOKEN`.
 * Against the test server that demands the bearer token `not-what-you-send`.
 */
describe("gs:// with Pulumi's emulator and token variables", () => {
  const host = () => inject("gcsAuthEndpoint").replace(/^https?:\/\//, "");
  const url = () => new URL(`gs://cairn-test/pulumi-env-${process.pid}-${Date.now()}`);

  it("reaches STORAGE_EMULATOR_HOST and sends GOOGLE_OAUTH_ACCESS_TOKEN as the bearer token", async () => {
    const store = await openGsStore(url(), { ...CLEAN_ENV, STORAGE_EMULATOR_HOST: host(), GOOGLE_OAUTH_ACCESS_TOKEN: "not-what-you-send" });
    await store.put("k", new Uint8Array([1, 2, 3]), { ifNoneMatch: "*" });
    expect(Array.from((await store.get("k"))!.bytes)).toEqual([1, 2, 3]);
    expect((await store.list("")).objects.map((object) => object.key)).toEqual(["k"]);
    // The Node SDK's own reading of the variable is kept out of the way, and the variable left as it was.
    expect(process.env.STORAGE_EMULATOR_HOST).toBeUndefined();
  });

  it("a token the server refuses is Unauthenticated, and the token is never in the message", async () => {
    const store = await openGsStore(url(), { ...CLEAN_ENV, STORAGE_EMULATOR_HOST: host(), GOOGLE_OAUTH_ACCESS_TOKEN: "a-wrong-token-value" });
    const error = await store.get("k").then(() => undefined, (caught: unknown) => caught);
    expect(isCairnError(error) && error.code).toBe("Unauthenticated");
    expect(`${(error as Error).message} ${(error as { hint?: string }).hint ?? ""}`).not.toContain("a-wrong-token-value");
  });
});
