import { describe, expect, it } from "vitest";
import { CairnError, isCairnError, withRetry } from "../src/driver.js";

/** A driver's mapping: its SDK's errors as CairnErrors (a reset is retryable and ambiguous, a 403 neither). */
const mapError = (error: unknown) => {
  const code = (error as { code?: string }).code;
  return code === "ECONNRESET" ? new CairnError("Unavailable", "get k: reset", { cause: error }) : new CairnError("PermissionDenied", "get k: denied", { cause: error });
};

describe("withRetry's mapError", () => {
  it("decides retries on the mapped error, carries its ambiguity over, and throws the mapped error", async () => {
    const tries: number[] = [];
    const error = await withRetry(
      (attempt) => {
        tries.push(attempt);
        throw Object.assign(new Error(attempt === 1 ? "reset" : "denied"), { code: attempt === 1 ? "ECONNRESET" : "EACCES" });
      },
      { baseDelayMs: 0, mapError },
    ).catch((thrown: unknown) => thrown);
    expect(tries).toEqual([1, 2]); // the mapped reset was retried; the mapped denial was not
    expect(isCairnError(error, "PermissionDenied")).toBe(true);
    expect((error as CairnError).ambiguous).toBe(true); // the first try may have landed
    expect((error as CairnError).message).toBe("get k: denied");
  });
});
