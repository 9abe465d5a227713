import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, writesOnly, type FaultProxy, type FaultProxyOptions } from "../src/fault-proxy.js";

// A small real HTTP server as the target: it records every request it completely received (with
// when), and answers with a sized body, so each fault can be checked from both ends of the proxy.
interface Seen {
  method: string;
  path: string;
  host: string | undefined;
  body: string;
  at: number;
}
const BODY = "0123456789".repeat(100);
let target: Server;
let targetUrl = "";
const seen: Seen[] = [];
beforeAll(async () => {
  target = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", path: req.url ?? "", host: req.headers.host, body: Buffer.concat(chunks).toString(), at: Date.now() });
      res.writeHead(200, { "content-type": "text/plain", "content-length": BODY.length, "x-target": "yes" }).end(BODY);
    });
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())));

const proxies: FaultProxy[] = [];
afterEach(async () => {
  seen.length = 0;
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});
async function proxy(options: Omit<FaultProxyOptions, "target" | "seed"> & { seed?: number }): Promise<FaultProxy> {
  const started = await startFaultProxy({ target: targetUrl, seed: 1, ...options });
  proxies.push(started);
  return started;
}

/** What the client saw: a whole answer, a cut-short one, or a socket error. Fresh connection each time. */
type Outcome =
  | { kind: "answer"; status: number; body: string; headers: IncomingHttpHeaders; at: number }
  | { kind: "truncated"; status: number; bytes: number; announced: number }
  | { kind: "socket-error"; code: string };
function send(url: string, method = "GET", body?: string, path = "/thing"): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      const announced = Number(res.headers["content-length"]);
      const cut = () => resolve({ kind: "truncated", status: res.statusCode ?? 0, bytes: Buffer.concat(chunks).length, announced });
      res.once("error", cut);
      res.once("aborted", cut);
      res.once("end", () => {
        if (!res.complete) return cut();
        resolve({ kind: "answer", status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers, at: Date.now() });
      });
    });
    req.once("error", (error: NodeJS.ErrnoException) => resolve({ kind: "socket-error", code: error.code ?? error.message }));
    req.end(body);
  });
}

describe("fault proxy", () => {
  it("without faults forwards method, path, body and the client's Host header, and relays the answer whole", async () => {
    const clean = await proxy({ faults: {} });
    const outcome = await send(clean.url, "PUT", "payload", "/a/b?c=d");
    expect(outcome).toMatchObject({ kind: "answer", status: 200, body: BODY });
    expect(outcome.kind === "answer" && outcome.headers["x-target"]).toBe("yes");
    expect(seen).toMatchObject([{ method: "PUT", path: "/a/b?c=d", host: clean.host, body: "payload" }]);
    expect(clean.stats()).toEqual({ requests: 1, eligible: 1, faults: { "drop-response": 0, reset: 0, status: 0, delay: 0, truncate: 0 } });
  });

  it("drop-response: the target received and answered the write, the client only gets a socket error", async () => {
    const dropping = await proxy({ faults: { "drop-response": 1 } });
    const outcome = await send(dropping.url, "POST", "the write");
    expect(outcome.kind).toBe("socket-error");
    expect(seen).toMatchObject([{ method: "POST", body: "the write" }]);
    expect(dropping.stats().faults["drop-response"]).toBe(1);
    expect(dropping.events()).toEqual([{ kind: "drop-response", method: "POST", path: "/thing" }]);
  });

  it("reset: the client gets a socket error and the target never sees the request", async () => {
    const resetting = await proxy({ faults: { reset: 1 } });
    expect((await send(resetting.url, "PUT", "never arrives")).kind).toBe("socket-error");
    expect(seen).toEqual([]);
    expect(resetting.stats().faults.reset).toBe(1);
  });

  it("status: 500, 503 and 429 are answered without forwarding", async () => {
    const failing = await proxy({ faults: { status: 1 } });
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => send(failing.url, "PUT", "x")));
    const statuses = outcomes.map((outcome) => (outcome.kind === "answer" ? outcome.status : outcome.kind));
    expect(new Set(statuses)).toEqual(new Set([500, 503, 429]));
    expect(seen).toEqual([]);
    expect(failing.events().map((event) => event.detail).sort()).toEqual([...statuses].sort());
    const only429 = await proxy({ faults: { status: 1 }, statuses: [429] });
    expect(await send(only429.url)).toMatchObject({ kind: "answer", status: 429 });
  });

  it("delay: holds the request before forwarding or the answer before relaying, by the ms it reports", async () => {
    const slow = await proxy({ faults: { delay: 1 }, maxDelayMs: 150 });
    const phases = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const sent = Date.now();
      const outcome = await send(slow.url, "GET", undefined, `/slow/${i}`);
      const arrived = seen.find((request) => request.path === `/slow/${i}`)!.at;
      const held = slow.events()[i]!.detail!;
      expect(outcome).toMatchObject({ kind: "answer", status: 200, body: BODY });
      expect(held).toBeGreaterThanOrEqual(30);
      expect(held).toBeLessThanOrEqual(150);
      const done = (outcome as { at: number }).at;
      expect(done - sent).toBeGreaterThanOrEqual(held - 2); // timers may fire a millisecond early
      phases.add(arrived - sent >= held - 2 ? "request" : "answer");
      if (arrived - sent < held - 2) expect(done - arrived).toBeGreaterThanOrEqual(held - 2);
    }
    expect(phases).toEqual(new Set(["request", "answer"]));
  });

  it("truncate: the target answered, the client gets the announced length but only part of the body", async () => {
    const cutting = await proxy({ faults: { truncate: 1 } });
    const outcome = await send(cutting.url, "GET");
    expect(outcome.kind).toBe("truncated");
    const { bytes, announced, status } = outcome as { bytes: number; announced: number; status: number };
    expect(status).toBe(200);
    expect(announced).toBe(BODY.length);
    expect(bytes).toBeLessThan(BODY.length);
    expect(cutting.events()[0]).toMatchObject({ kind: "truncate", detail: bytes });
    expect(seen).toHaveLength(1);
    // An answer without a body cannot be cut short: relayed whole, no fault counted.
    expect(await send(cutting.url, "HEAD")).toMatchObject({ kind: "answer", status: 200, body: "" });
    expect(cutting.stats().faults.truncate).toBe(1);
  });

  it("calm passes everything untouched and draws nothing; the filter decides what may be faulted", async () => {
    const guarded = await proxy({ faults: { reset: 1 }, filter: writesOnly, calm: true });
    expect((await send(guarded.url, "PUT", "calm write")).kind).toBe("answer");
    guarded.calm = false;
    expect((await send(guarded.url, "GET")).kind).toBe("answer");
    expect((await send(guarded.url, "PUT", "faulted write")).kind).toBe("socket-error");
    expect(guarded.stats()).toMatchObject({ requests: 3, eligible: 1, faults: { reset: 1 } });
    expect(seen.map((request) => request.body)).toEqual(["calm write", ""]);
  });

  it("is deterministic for a seed: the same requests meet the same faults; another seed differs", async () => {
    const faults = { reset: 0.2, status: 0.2, "drop-response": 0.2 };
    const run = async (seed: number) => {
      const seeded = await proxy({ faults, seed });
      const kinds: string[] = [];
      for (let i = 0; i < 30; i++) {
        const outcome = await send(seeded.url, "PUT", String(i));
        kinds.push(outcome.kind === "answer" ? String(outcome.status) : outcome.kind);
      }
      return { kinds, events: seeded.events().map((event) => event.kind) };
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect((await run(8)).events).not.toEqual(first.events);
    expect(new Set(first.events)).toEqual(new Set(["reset", "status", "drop-response"]));
  });

  it("refuses probabilities that are out of range or sum to more than one", async () => {
    await expect(startFaultProxy({ target: targetUrl, seed: 1, faults: { reset: 0.6, status: 0.6 } })).rejects.toThrow(/sum to at most 1/);
    await expect(startFaultProxy({ target: targetUrl, seed: 1, faults: { delay: -0.1 } })).rejects.toThrow(/0\.\.1/);
    await expect(startFaultProxy({ target: "https://example.invalid", seed: 1, faults: {} })).rejects.toThrow(/http:\/\//);
  });
});
