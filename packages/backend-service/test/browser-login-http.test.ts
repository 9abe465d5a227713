import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { isCairnError } from "@cairn/core";
import { api } from "@cairn/server/testing";
import { ServiceBackend, startLoopbackLogin } from "../src/index.js";
import { startServerFixture, type ServerFixture } from "./server-fixture.js";

let fixture: ServerFixture;
let bobToken: string;
beforeAll(async () => {
  fixture = await startServerFixture();
  expect((await api(fixture.server.url, "POST", "/api/admin/users", fixture.server.adminToken, { name: "bob" })).status).toBe(200);
  bobToken = (await api(fixture.server.url, "POST", "/api/admin/users/bob/tokens", fixture.server.adminToken, { description: "typed" })).body.tokenValue;
});
afterAll(() => fixture?.dispose());

/** A GET with a chosen Host header (fetch does not let a caller set it). */
function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

it("the loopback listener refuses a wrong nonce and a foreign Host, keeps waiting, then takes the right hand-off once", async () => {
  const flow = await startLoopbackLogin({ timeoutMs: 10_000 });
  let settled = false;
  void flow.token.then(() => (settled = true));
  expect(flow.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);

  const wrongNonce = await get(flow.port, `/?accessToken=stolen&nonce=${"x".repeat(43)}`);
  expect(wrongNonce.status).toBe(400);
  expect(wrongNonce.body).toContain("does not belong");
  // A page of another site reaching 127.0.0.1 through its own DNS name (rebinding) is refused.
  const rebound = await get(flow.port, `/?accessToken=stolen&nonce=${flow.nonce}`, `evil.example:${flow.port}`);
  expect(rebound.status).toBe(400);
  expect((await get(flow.port, `/?nonce=${flow.nonce}`)).status).toBe(400);
  expect(settled).toBe(false);

  const ok = await get(flow.port, `/?accessToken=the-token&nonce=${flow.nonce}`);
  expect(ok.status).toBe(200);
  expect(ok.body).toContain("You can close this tab");
  await expect(flow.token).resolves.toBe("the-token");
  // One-shot: the listener is gone.
  await expect(get(flow.port, `/?accessToken=again&nonce=${flow.nonce}`)).rejects.toThrow(/ECONNREFUSED/);
});

it("a browser login nobody finishes fails with a Timeout error that says what to do", async () => {
  const backend = new ServiceBackend({ baseUrl: fixture.server.url, openUrl: () => false, browserLoginTimeoutMs: 300 });
  const messages: string[] = [];
  const error = await backend.login({ interactive: false, browser: true, promptSecret: async () => "", notify: (m) => messages.push(m) }).catch((e: unknown) => e);
  expect(isCairnError(error, "Timeout")).toBe(true);
  expect((error as { hint?: string }).hint).toContain("cairn login");
  expect(messages.join("\n")).toContain(`${fixture.server.url}/cli-login?cliSessionPort=`);
});

it("pressing ENTER at the token prompt runs the browser flow; the server's page hands a NEW token back; nothing secret is logged", async () => {
  const backend = new ServiceBackend({ baseUrl: fixture.server.url, openUrl: () => false, browserLoginTimeoutMs: 10_000 });
  let loginUrl: string | undefined;
  const questions: string[] = [];
  const login = backend.login({
    interactive: true,
    promptSecret: async (question) => (questions.push(question), ""),
    notify: (message) => (loginUrl = /(http:\/\/\S+\/cli-login\?\S+)/.exec(message)?.[1]),
  });
  await expect.poll(() => loginUrl).toBeDefined();
  expect(questions[0]).toContain("<ENTER> to log in using your browser");
  // What a browser does: open the page, post the sign-in form, follow the redirect.
  const page = new URL(loginUrl as string);
  const form = new URLSearchParams(page.searchParams);
  form.set("token", bobToken);
  const posted = await fetch(`${fixture.server.url}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString(), redirect: "manual" });
  expect(posted.status).toBe(303);
  const handOff = posted.headers.get("location") as string;
  expect(handOff).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?accessToken=/);
  expect((await fetch(handOff)).status).toBe(200);

  const result = await login;
  expect(result.accessToken).toBeDefined();
  expect(result.accessToken).not.toBe(bobToken);
  expect((await backend.currentUser()).name).toBe("bob");
  expect(backend.credentialSource).toMatch(/^browser \(token /);
  const logs = fixture.server.logs();
  for (const secret of [bobToken, result.accessToken as string, page.searchParams.get("cliSessionNonce") as string]) expect(logs).not.toContain(secret);
  await backend.close();
});
