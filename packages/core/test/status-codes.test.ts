import { describe, expect, it } from "vitest";
import { codeForHttpStatus } from "../src/driver.js";

describe("codeForHttpStatus", () => {
  it("reads the statuses every HTTP backend shares", () => {
    const table = [400, 401, 403, 404, 408, 409, 412, 429, 500, 501, 502, 503, 504].map((status) => [status, codeForHttpStatus(status)]);
    expect(table).toEqual([
      [400, "InvalidArgument"],
      [401, "Unauthenticated"],
      [403, "PermissionDenied"],
      [404, "NotFound"],
      [408, "Timeout"],
      [409, "Conflict"],
      [412, "Conflict"],
      [429, "RateLimited"],
      [500, "Unavailable"],
      [501, "Unimplemented"],
      [502, "Unavailable"],
      [503, "Unavailable"],
      [504, "Timeout"],
    ]);
    expect(codeForHttpStatus(507)).toBe("Unavailable");
    expect(codeForHttpStatus(418)).toBe("Internal");
    expect(codeForHttpStatus(302)).toBe("Internal");
  });

  it("applies a backend's exceptions before the table", () => {
    const exceptions = { byStatus: { 412: "InvalidArgument", 304: "Conflict" }, unlistedServerError: "Internal", unlisted: "InvalidArgument" } as const;
    expect(codeForHttpStatus(412, exceptions)).toBe("InvalidArgument");
    expect(codeForHttpStatus(304, exceptions)).toBe("Conflict");
    expect(codeForHttpStatus(507, exceptions)).toBe("Internal");
    expect(codeForHttpStatus(418, exceptions)).toBe("InvalidArgument");
    // Listed statuses keep their meaning unless named.
    expect(codeForHttpStatus(503, exceptions)).toBe("Unavailable");
    expect(codeForHttpStatus(404, exceptions)).toBe("NotFound");
  });
});
