// A counting HTTP proxy in front of an S3 emulator, for benchmarks: every request is forwarded
// as it came (method, path, raw headers, body) and the proxy counts requests and the body bytes
// each way. Clients address the proxy itself (path-style), so the Host header they sign for SigV4
// is the one the emulator receives and checks: nothing is rewritten, signatures verify unchanged.
// `Expect: 100-continue` is answered here and not forwarded (SigV4 never signs it); the body
// follows at once.
import { Agent, createServer, request as httpRequest } from "node:http";

/**
 * Starts the proxy on a free loopback port in front of `target` (`http://host:port`).
 * `traffic` is live: requests, bytesWritten (request bodies), bytesRead (response bodies).
 */
export async function startCountingProxy(target) {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const traffic = { requests: 0, bytesWritten: 0, bytesRead: 0 };
  const server = createServer((request, response) => {
    traffic.requests++;
    const headers = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      if (request.rawHeaders[i].toLowerCase() !== "expect") headers.push(request.rawHeaders[i], request.rawHeaders[i + 1]);
    }
    const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers, agent }, (answer) => {
      const back = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) back.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, back);
      answer.on("data", (chunk) => (traffic.bytesRead += chunk.length));
      answer.pipe(response);
    });
    forwarded.on("error", (error) => {
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
      response.end(`counting proxy: ${error.message}\n`);
    });
    request.on("data", (chunk) => (traffic.bytesWritten += chunk.length));
    request.pipe(forwarded);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    traffic,
    /** A copy of the counters now, to subtract later. */
    snapshot: () => ({ ...traffic }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
