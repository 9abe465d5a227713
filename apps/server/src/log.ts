/**
 * Structured logs: one JSON object per line on stderr. Callers pass only what is safe to keep —
 * never a token, a request body or an Authorization header.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const log = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  return { info: (message, fields) => log("info", message, fields), error: (message, fields) => log("error", message, fields) };
}

export const silentLogger: Logger = { info: () => {}, error: () => {} };
