import { describe, expect, it } from "vitest";
import { findTransportMismatch, transportMismatchError, wrapStoreError } from "../src/driver.js";

/** What Node's TLS socket throws when the peer answers in plain HTTP (its message, verbatim in form). */
const openSsl = () =>
  Object.assign(new Error("write EPROTO 800C8A53AD7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:"), { code: "EPROTO" });

describe("transport mismatches", () => {
  it("are found however a driver wrapped them: as is, as a cause, inside an AggregateError", () => {
    expect(findTransportMismatch(openSsl())).toBe("tls-to-plain-http");
    expect(findTransportMismatch(new Error("fetch failed", { cause: openSsl() }))).toBe("tls-to-plain-http");
    expect(findTransportMismatch(new AggregateError([new Error("x"), openSsl()]))).toBe("tls-to-plain-http");
    expect(findTransportMismatch({ message: "400: Client sent an HTTP request to an HTTPS server." })).toBe("plain-http-to-tls");
    expect(findTransportMismatch(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }))).toBeUndefined();
  });

  it("become one clear Unavailable error from wrapStoreError, without OpenSSL's text", () => {
    const error = wrapStoreError(new Error("could not read the repository", { cause: openSsl() }), () => "Internal", "get", ".pulumi/meta.yaml");
    expect(error.code).toBe("Unavailable");
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("get .pulumi/meta.yaml: the endpoint answered in plain HTTP, but the URL asks for TLS (https)");
    expect(error.hint).toContain("use http://");
    expect(transportMismatchError(new Error("other"), "get x")).toBeUndefined();
  });
});
