import { describe, expect, it } from "vitest";
import { errorFromResponse } from "../src/index.js";

describe("errorFromResponse without a cairn errorCode", () => {
  it("reads the status through core's table, a refused request being InvalidArgument", () => {
    const codes = [400, 401, 403, 404, 408, 409, 412, 413, 418, 429, 500, 501, 502, 503, 504, 507].map((status) => [status, errorFromResponse(status, {}, "GET /x").code]);
    expect(codes).toEqual([
      [400, "InvalidArgument"],
      [401, "Unauthenticated"],
      [403, "PermissionDenied"],
      [404, "NotFound"],
      [408, "InvalidArgument"],
      [409, "Conflict"],
      [412, "InvalidArgument"],
      [413, "InvalidArgument"],
      [418, "InvalidArgument"],
      [429, "RateLimited"],
      [500, "Unavailable"],
      [501, "Unimplemented"],
      [502, "Unavailable"],
      [503, "Unavailable"],
      [504, "Timeout"],
      [507, "Unavailable"],
    ]);
  });

  it("retries what a proxy or an overloaded server answers, not a 501", () => {
    expect([429, 500, 501, 502, 503, 504].map((status) => errorFromResponse(status, {}, "GET /x").retryable)).toEqual([true, true, false, true, true, true]);
  });
});
