import { describe, expect, it } from "vitest";
import { CairnError, isCairnError } from "../src/index.js";
import { KeyPrefix, parseBooleanParameter, readUrlParameters, withRetry } from "../src/driver.js";

describe("withRetry", () => {
  it("retries retryable errors with backoff and returns the eventual result", async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new CairnError("Unavailable", "503");
        return "ok";
      },
      { baseDelayMs: 1, onRetry: (_e, _a, delay) => delays.push(delay) },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it("does not retry errors that are not transient", async () => {
    let calls = 0;
    const failure = withRetry(async () => {
      calls++;
      throw new CairnError("Conflict", "412");
    });
    await expect(failure).rejects.toSatisfy((e: unknown) => isCairnError(e, "Conflict"));
    expect(calls).toBe(1);
  });

  it("gives up after the bound and throws the last error", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new CairnError("RateLimited", `throttled ${calls}`);
      }, { attempts: 4, baseDelayMs: 1 }),
    ).rejects.toThrow("throttled 4");
    expect(calls).toBe(4);
  });
});

describe("readUrlParameters", () => {
  it("returns allowed parameters and rejects others, listing what is accepted", () => {
    expect(readUrlParameters(new URL("s3://b/p?region=eu-west-1&profile=x"), ["region", "profile"])).toEqual({ region: "eu-west-1", profile: "x" });
    const error = (() => {
      try {
        readUrlParameters(new URL("s3://b?regoin=x"), ["region", "profile"]);
      } catch (caught) {
        return caught as CairnError;
      }
    })();
    expect(error?.code).toBe("InvalidArgument");
    expect(error?.message).toContain("regoin");
    expect(error?.hint).toContain("region, profile");
    expect(() => readUrlParameters(new URL("s3://b?region=a&region=b"), ["region"])).toThrow("twice");
  });

  it("parses booleans as Go does", () => {
    expect(parseBooleanParameter("x", "true")).toBe(true);
    expect(parseBooleanParameter("x", "0")).toBe(false);
    expect(parseBooleanParameter("x", undefined)).toBeUndefined();
    expect(() => parseBooleanParameter("x", "yes")).toThrow("not a boolean");
  });
});

describe("KeyPrefix", () => {
  it("maps keys under a normalised prefix and back", () => {
    const prefix = new KeyPrefix("/team-a/state/");
    expect(prefix.objectName(".pulumi/meta.yaml")).toBe("team-a/state/.pulumi/meta.yaml");
    expect(prefix.keyOf("team-a/state/.pulumi/meta.yaml")).toBe(".pulumi/meta.yaml");
    expect(prefix.keyOf("team-b/x")).toBeUndefined();
    expect(new KeyPrefix("").objectName("k")).toBe("k");
    expect(() => new KeyPrefix("a/../b")).toThrow(".. segments");
    expect(() => new KeyPrefix("a/%2E%2E/b")).toThrow(".. segments");
    expect(new KeyPrefix("team%20a").objectName("k")).toBe("team a/k");
  });
});
