import { describe, expect, it } from "vitest";
import { errorFromResponse } from "../src/index.js";

describe("errorFromResponse without a cairn errorCode", () => {
  it("reads the status through core's table, a refused request being InvalidArgument", () => {
    const codeOf = (status: number) => errorFromResponse(status, {}, "GET /x").code;
    // The service's exceptions: a refused request (408, 412, an unnamed 4xx) is about the request.
    expect({ 408: codeOf(408), 412: codeOf(412), 413: codeOf(413), 418: codeOf(418) }).toEqual({ 408: "InvalidArgument", 412: "InvalidArgument", 413: "InvalidArgument", 418: "InvalidArgument" });
    // The rest is core's table.
    expect({ 401: codeOf(401), 404: codeOf(404), 409: codeOf(409), 429: codeOf(429), 501: codeOf(501), 502: codeOf(502), 504: codeOf(504), 507: codeOf(507) }).toEqual({
      401: "Unauthenticated",
      404: "NotFound",
      409: "Conflict",
      429: "RateLimited",
      501: "Unimplemented",
      502: "Unavailable",
      504: "Timeout",
      507: "Unavailable",
    });
  });

  it("retries what a proxy or an overloaded server answers, not a 501", () => {
    expect([429, 500, 501, 502, 503, 504].map((status) => errorFromResponse(status, {}, "GET /x").retryable)).toEqual([true, true, false, true, true, true]);
  });
});
