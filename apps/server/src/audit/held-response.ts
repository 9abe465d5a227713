import type { ServerResponse } from "node:http";

export interface HeldResponse {
  /** The status the route answered with (so far). */
  status(): number;
  /** Sends what the route wrote, as it wrote it. */
  release(): void;
  /** Forgets what the route wrote; the response is the caller's again, unsent. */
  discard(): void;
}

/**
 * Keeps what a route writes from reaching the client until `release`: an audited call answers
 * only once its audit record is stored, so a call whose record failed is never reported as done
 * (and a decrypted secret or a new token is never handed out unrecorded). Routes that a held
 * response serves answer with `writeHead` + `end` (JSON, a page, a redirect): small bodies.
 */
export function holdResponse(response: ServerResponse): HeldResponse {
  const writes: Array<() => void> = [];
  let status: number | undefined;
  let ended = false; // as on a real response, nothing is written after `end` (an error answer after the route's own)
  const own = response as unknown as Record<"writeHead" | "write" | "end", unknown>;
  const real = { writeHead: response.writeHead, write: response.write, end: response.end };
  own.writeHead = (...args: unknown[]) => {
    if (ended) return response;
    status = args[0] as number;
    writes.push(() => (real.writeHead as (...a: unknown[]) => unknown).apply(response, args));
    return response;
  };
  own.write = (...args: unknown[]) => {
    if (ended) return false;
    writes.push(() => (real.write as (...a: unknown[]) => unknown).apply(response, args));
    return true;
  };
  own.end = (...args: unknown[]) => {
    if (ended) return response;
    ended = true;
    writes.push(() => (real.end as (...a: unknown[]) => unknown).apply(response, args));
    return response;
  };
  const restore = () => {
    delete own.writeHead;
    delete own.write;
    delete own.end;
  };
  return {
    status: () => status ?? response.statusCode,
    release: () => {
      restore();
      for (const write of writes.splice(0)) write();
    },
    discard: () => {
      restore();
      writes.length = 0;
      status = undefined;
      ended = false;
    },
  };
}
