import { invalidDeployment, joinPath, type PathSegment } from "./validation-error.js";

/**
 * How deeply a deployment document may nest, counting every object and array from the document
 * itself down. Pulumi's own state nests a resource's properties 4 levels below the document, and
 * real property values rarely go past a few dozen more; 256 leaves plenty of room while keeping
 * every recursive walk cairn makes over a stored deployment (secret sealing, canonical JSON,
 * `JSON.stringify` itself) far from the stack limit — JSON.parse happily builds a value thousands
 * of levels deep, and the first recursive walk over it would die with a RangeError.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Refuses, by JSON path, the two kinds of value JSON.parse produces that cannot be stored faithfully:
 * a number too large for a double (`1e999999` parses to Infinity, which JSON.stringify writes as
 * `null`, silently changing the state) and nesting deeper than `MAX_JSON_DEPTH`. The walk itself
 * stops at that depth, so it cannot overflow the stack; the path is assembled only on failure.
 */
export function checkJsonValues(value: unknown): void {
  const found = findProblem(value, 0);
  if (found === undefined) return;
  if (found.kind === "depth") {
    // The full path would be hundreds of segments: where it starts is what finds the value.
    const path = joinPath("", ...found.segments.slice(0, SHOWN_SEGMENTS)) + (found.segments.length > SHOWN_SEGMENTS ? "…" : "");
    throw invalidDeployment(path, `nested deeper than ${MAX_JSON_DEPTH} levels (cairn's limit for a deployment)`, "flatten the value: no real Pulumi state nests this deeply");
  }
  throw invalidDeployment(joinPath("", ...found.segments), "is a number too large to store (JSON reads it as infinity, and it would be saved as null)", "restore the number from the exported state, or store it as a string");
}

const SHOWN_SEGMENTS = 8;

interface Problem {
  kind: "depth" | "number";
  segments: PathSegment[];
}

/** `depth` is how many objects/arrays enclose `value`; reaching the limit with another one is too deep. */
function findProblem(value: unknown, depth: number): Problem | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { kind: "number", segments: [] };
  if (typeof value !== "object" || value === null) return undefined;
  if (depth >= MAX_JSON_DEPTH) return { kind: "depth", segments: [] };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findProblem(value[index], depth + 1);
      if (found !== undefined) return { kind: found.kind, segments: [index, ...found.segments] };
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const found = findProblem(record[key], depth + 1);
    if (found !== undefined) return { kind: found.kind, segments: [key, ...found.segments] };
  }
  return undefined;
}
