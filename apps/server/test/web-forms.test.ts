import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createUser, startFixture, type Fixture } from "./fixture.js";

let fixture: Fixture;
let alice: string;
const NONCE = "m".repeat(43);

beforeAll(async () => {
  fixture = await startFixture();
  alice = await createUser(fixture, "alice");
});
afterAll(() => fixture?.dispose());

/** A form POST as a browser sends it, with the headers a test chooses (Origin, Cookie). */
function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; location: string; setCookie: string }> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const call = httpRequest(new URL(path, fixture.server.url), { method: "POST", agent: false, headers: { "content-type": "application/x-www-form-urlencoded", ...headers } }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, location: String(response.headers.location ?? ""), setCookie: String(response.headers["set-cookie"] ?? "") }));
    });
    call.on("error", reject);
    call.end(body);
  });
}

it("a sign-in form posted from another site is refused (login CSRF): 403, no session", async () => {
  const foreign = await post("/login", { token: alice }, { origin: "https://evil.example" });
  expect(foreign.status).toBe(403);
  expect(foreign.setCookie).toBe("");
  expect((await post("/login", { token: alice }, { "sec-fetch-site": "cross-site", origin: "null" })).status).toBe(403);
  expect((await post("/login", { token: alice }, { origin: "null" })).status).toBe(403);
  // The server's own page posts with its own origin: accepted.
  const own = await post("/login", { token: alice }, { origin: new URL(fixture.server.url).origin });
  expect(own.status).toBe(303);
  expect(own.setCookie).toMatch(/^cairn_session=/);
});

it("a CLI login link mints one token: replaying the same nonce is refused", async () => {
  const form = { token: alice, cliSessionPort: "43123", cliSessionNonce: NONCE };
  const first = await post("/login", form, { origin: new URL(fixture.server.url).origin });
  expect(first.status).toBe(303);
  expect(first.location).toMatch(/^http:\/\/127\.0\.0\.1:43123\/\?accessToken=/);
  const before = (await fixture.call("GET", "/api/user/tokens", undefined, alice)).body.tokens.length as number;
  const replay = await post("/login", form, { origin: new URL(fixture.server.url).origin });
  expect(replay.status).toBe(409);
  expect(replay.location).toBe("");
  // The replay minted nothing: no CLI token, no web session.
  expect((await fixture.call("GET", "/api/user/tokens", undefined, alice)).body.tokens.length).toBe(before);
});
