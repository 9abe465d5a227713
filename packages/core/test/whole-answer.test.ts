import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { AnswerCutShortError, requestWholeAnswer } from "../src/driver.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A real server that announces 100 bytes and sends `sent` of them, then closes (or ends whole). */
async function serving(sent: number): Promise<URL> {
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { "content-length": "100" });
    response.write(Buffer.alloc(sent, 0x61));
    if (sent === 100) response.end();
    else setImmediate(() => response.socket?.destroy());
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return new URL(`http://user:secret@127.0.0.1:${(server.address() as AddressInfo).port}/x`);
}

it("returns an answer read to its end", async () => {
  const answer = await requestWholeAnswer(await serving(100), { method: "POST", body: new Uint8Array([1, 2, 3]) });
  expect(answer.status).toBe(200);
  expect(answer.bytes.length).toBe(100);
});

it("fails an answer cut short as ECONNRESET (a retryable, ambiguous transport failure), never quoting the credential", async () => {
  const failure = await requestWholeAnswer(await serving(10), { method: "GET" }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(AnswerCutShortError);
  expect((failure as AnswerCutShortError).code).toBe("ECONNRESET");
  expect((failure as Error).message).toContain("of 100 bytes");
  expect((failure as Error).message).not.toContain("secret");
});
