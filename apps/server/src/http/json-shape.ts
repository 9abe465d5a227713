import { CairnError } from "@cairn/core";

/** Small checks for request bodies: each route states the shape it accepts, so nothing unchecked reaches the store. */
export type Shape = Record<string, "string" | "number" | "boolean" | "object" | "array" | "string?" | "number?" | "boolean?" | "object?" | "array?">;

export function checkBody<T>(body: unknown, shape: Shape, what: string): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new CairnError("InvalidArgument", `${what}: the body must be a JSON object`);
  }
  const record = body as Record<string, unknown>;
  for (const [field, spec] of Object.entries(shape)) {
    const optional = spec.endsWith("?");
    const type = optional ? spec.slice(0, -1) : spec;
    const value = record[field];
    if (value === undefined || value === null) {
      if (optional) continue;
      throw new CairnError("InvalidArgument", `${what}: field ${JSON.stringify(field)} is required`);
    }
    const actual = Array.isArray(value) ? "array" : typeof value;
    if (actual !== type) throw new CairnError("InvalidArgument", `${what}: field ${JSON.stringify(field)} must be a ${type}, not ${actual}`);
  }
  return record as T;
}
