import type { IncomingMessage } from "node:http";

/**
 * Where a request came from. The connecting peer, unless the server is told it sits behind
 * `trustedProxies` proxies: then the address those proxies appended to X-Forwarded-For (counted
 * from the right; entries further left are whatever the client claimed, and are not believed).
 */
export function clientAddressOf(request: IncomingMessage, trustedProxies: number): { address: string; proxy?: string } {
  const peer = request.socket.remoteAddress ?? "unknown";
  if (trustedProxies <= 0) return { address: peer };
  const header = request.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => /^[0-9A-Fa-f:.[\]]{1,64}$/.test(hop));
  if (hops.length === 0) return { address: peer };
  const address = hops[Math.max(0, hops.length - trustedProxies)] as string;
  return { address, proxy: peer };
}
