import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CairnError } from "@cairn/core/driver";

/**
 * The CLI's half of the browser login (Pulumi's protocol, so any server speaking it works): a
 * one-shot HTTP listener on 127.0.0.1 and a random nonce. The server's `/cli-login` page, once the
 * user has signed in, sends the browser to `http://127.0.0.1:<port>/?accessToken=…&nonce=…`.
 */
export interface LoopbackLogin {
  port: number;
  /** The `state` the server must hand back; anything else is refused. */
  nonce: string;
  /** Resolves with the access token once a request with the right nonce arrives. */
  token: Promise<string>;
  /** Stops listening (the token promise then rejects as cancelled, unless it already resolved). */
  close(): void;
}

export async function startLoopbackLogin(options: { timeoutMs: number }): Promise<LoopbackLogin> {
  const nonce = randomBytes(32).toString("base64url");
  let settle: { resolve(token: string): void; reject(error: Error): void } | undefined;
  const token = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((request, response) => {
    const outcome = answer(request, response, port, nonce);
    if (outcome !== undefined) finish(() => settle?.resolve(outcome));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const timer = setTimeout(() => {
    finish(() =>
      settle?.reject(
        new CairnError("Timeout", `the browser login did not complete within ${Math.round(options.timeoutMs / 1000)}s`, {
          hint: "run `cairn login` again and finish signing in on the page it prints, or paste an access token instead",
        }),
      ),
    );
  }, options.timeoutMs);
  let done = false;
  function finish(then: () => void): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    // Lets the answer reach the browser, then drops every connection so the CLI can exit.
    server.close();
    setImmediate(() => server.closeAllConnections());
    then();
  }
  return {
    port,
    nonce,
    token,
    close: () => finish(() => settle?.reject(new CairnError("Canceled", "the browser login was cancelled"))),
  };
}

/** Answers one request; returns the token when it is the server's hand-off for this login. */
function answer(request: IncomingMessage, response: ServerResponse, port: number, nonce: string): string | undefined {
  // A page on another site can make the browser request 127.0.0.1 too, but only under a name that
  // resolves there (DNS rebinding): such requests carry that name in Host and are refused.
  const host = request.headers.host ?? "";
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return page(response, 400, "This address only answers the cairn CLI's own login.");
  const url = new URL(request.url ?? "/", `http://127.0.0.1:${port}`);
  if (request.method !== "GET" || url.pathname !== "/") return page(response, 404, "Not found.");
  const token = url.searchParams.get("accessToken") ?? "";
  const given = Buffer.from(url.searchParams.get("nonce") ?? "");
  const expected = Buffer.from(nonce);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return page(response, 400, "This login link does not belong to the cairn login that is waiting. Start again with `cairn login`.");
  }
  if (token === "") return page(response, 400, "The server sent no access token.");
  page(response, 200, "You are logged in to cairn. You can close this tab and return to the terminal.");
  return token;
}

function page(response: ServerResponse, status: number, message: string): undefined {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>cairn login</title></head><body><h1>cairn login</h1><p id="message">${escapeHtml(message)}</p></body></html>`;
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'",
    // The URL that brought the browser here holds the token: don't pass it on.
    "referrer-policy": "no-referrer",
    connection: "close",
  });
  response.end(html);
  return undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
