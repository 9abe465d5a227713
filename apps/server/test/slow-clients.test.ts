import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, expect, it } from "vitest";
import { openDataStore } from "../src/data-store.js";
import { silentLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server.js";
import { parseMasterKey } from "../src/state/master-key.js";
import { TEST_MASTER_KEY } from "../src/testing.js";

let server: RunningServer | undefined;
let root = "";
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
  if (root) rmSync(root, { recursive: true, force: true });
});

async function start(options: { requestTimeoutMs?: number; maxConnections?: number }): Promise<RunningServer> {
  root = mkdtempSync(join(tmpdir(), "cairn-server-slow-"));
  const store = await openDataStore(pathToFileURL(join(root, "data")).href, {}, root);
  return (server = await startServer({ store, masterKeys: { current: parseMasterKey(TEST_MASTER_KEY, "test"), previous: [] }, adminToken: `pul-${"cd".repeat(20)}`, logger: silentLogger, ...options }));
}

/** Opens a raw connection; resolves with what the server sent once it closes the connection. */
function rawConnection(port: number, write: string): { socket: Socket; closed: Promise<string> } {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
  socket.write(write);
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(received)));
  socket.on("error", () => {});
  return { socket, closed };
}

it("a body dribbled slower than the request timeout is cut off with 408, not held open", async () => {
  const running = await start({ requestTimeoutMs: 600 });
  // Headers promise 10 KB, then one byte arrives and nothing more: the server must end it.
  // (The sign-in form reads its body before anything else.)
  const { closed } = rawConnection(running.port, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\nt");
  expect(await closed).toMatch(/^HTTP\/1\.1 408/);
  // Headers that never finish are cut off too.
  const headers = rawConnection(running.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  expect(await headers.closed).toMatch(/^HTTP\/1\.1 408/);
});

it("connections beyond the cap are refused while the others stay open", async () => {
  const running = await start({ maxConnections: 2 });
  const open = [rawConnection(running.port, ""), rawConnection(running.port, "")];
  await Promise.all(open.map(({ socket }) => new Promise((resolve) => socket.once("connect", resolve))));
  const third = rawConnection(running.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  expect(await third.closed).toBe(""); // closed by the server without an answer
  expect(open.every(({ socket }) => !socket.destroyed)).toBe(true);
});
