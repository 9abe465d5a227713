import { describe, expect, it } from "vitest";
import { requestNeverSent } from "../src/driver.js";

const errno = (code: string) => Object.assign(new Error(code), { code });

describe("requestNeverSent", () => {
  it("is a connection never made, also inside fetch's cause", () => {
    for (const code of ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]) expect([code, requestNeverSent(errno(code))]).toEqual([code, true]);
    expect(requestNeverSent(new TypeError("fetch failed", { cause: errno("ECONNREFUSED") }))).toBe(true);
  });

  it("is not a failure after the request may have been sent", () => {
    for (const code of ["ECONNRESET", "EPIPE", "ETIMEDOUT", "ERR_STREAM_PREMATURE_CLOSE"]) expect([code, requestNeverSent(errno(code))]).toEqual([code, false]);
    expect(requestNeverSent(new TypeError("fetch failed", { cause: errno("ECONNRESET") }))).toBe(false);
    expect(requestNeverSent(undefined)).toBe(false);
    expect(requestNeverSent("ECONNREFUSED")).toBe(false);
  });
});
