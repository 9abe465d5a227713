import type { IncomingMessage } from "node:http";

/** How long a refused request's unread body is read and discarded before the answer is sent. */
export const LINGER_MS = 5000;

/**
 * Reads and discards the rest of a request body (up to `ms`), so an error answered before the
 * body was read (413 on a declared Content-Length) reaches a client still uploading. Answering at
 * once and closing would reset the connection under the client's upload: many clients (Node's
 * among them) then report the reset (EPIPE) instead of the answer. The same "lingering close" web
 * servers do; bounded in time, so a client dribbling a body holds nothing for long.
 */
export function lingerForBody(request: IncomingMessage, ms = LINGER_MS): Promise<void> {
  if (request.complete || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      request.off("end", done);
      request.off("close", done);
      request.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    request.on("end", done);
    request.on("close", done);
    request.on("error", done);
    request.resume();
  });
}
