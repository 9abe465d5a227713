import { redactUrlsIn } from "@cairn/core/driver";

/**
 * Structured logs: one JSON object per line on stderr. Callers pass only what is safe to keep —
 * never a token, a request body or an Authorization header. Every URL in the message and in string
 * fields is redacted on the way out (`redactUrl`): a store URL or an error quoting one may carry
 * credentials the operator typed into it.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const log = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: redactUrlsIn(message), ...redactFields(fields) })}\n`);
  return { info: (message, fields) => log("info", message, fields), error: (message, fields) => log("error", message, fields) };
}

function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, redactValue(value)]));
}

function redactValue(value: unknown): unknown {
  if (typeof value === "string") return redactUrlsIn(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) return redactFields(value as Record<string, unknown>);
  return value;
}

export const silentLogger: Logger = { info: () => {}, error: () => {} };
