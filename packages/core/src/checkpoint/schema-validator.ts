import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { DEPLOYMENTS_SCHEMA } from "./deployments-schema.js";
import { RESOURCES_SCHEMA } from "./resources-schema.js";

/** RFC 3339 date-time, as Go's `time.Time` reads it (`format: date-time` in Pulumi's schema). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

// ajv is loaded on first use, synchronously (it is CommonJS): most commands never validate a
// deployment, and loading it costs about a third of the CLI's start-up.
const require = createRequire(import.meta.url);

let compiled: ValidateFunction | undefined;

/** Compiled once, on first use: compiling the schema costs more than validating a large state. */
function deploymentValidator(): ValidateFunction {
  if (compiled === undefined) {
    const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addFormat("date-time", RFC3339);
    ajv.addSchema(RESOURCES_SCHEMA);
    compiled = ajv.compile(DEPLOYMENTS_SCHEMA);
  }
  return compiled;
}

/**
 * Checks an untyped deployment document against Pulumi's schema. Returns the most specific
 * problem as `path: message` (path in JSON dot/bracket form), or `undefined` when valid.
 */
export function findSchemaViolation(document: unknown): string | undefined {
  const validate = deploymentValidator();
  if (validate(document)) return undefined;
  const error = mostSpecificError(validate.errors ?? []);
  if (error === undefined) return "the document does not match Pulumi's deployment schema";
  return `${jsonPath(error)}: ${describe(error)}`;
}

/**
 * The schema's top level is `oneOf: [version 3, any other version]`, so one bad field yields the
 * real error plus the noise of the branch that did not apply. The deepest error that is not the
 * `oneOf` summary itself names the field the user has to fix.
 */
function mostSpecificError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const candidates = errors.filter((error) => error.keyword !== "oneOf");
  const pool = candidates.length > 0 ? candidates : errors;
  return pool.reduce<ErrorObject | undefined>(
    (best, error) => (best === undefined || depth(error) > depth(best) ? error : best),
    undefined,
  );
}

function depth(error: ErrorObject): number {
  return error.instancePath.split("/").length + (error.keyword === "required" || error.keyword === "additionalProperties" ? 1 : 0);
}

/** `/deployment/resources/3/urn` → `deployment.resources[3].urn`. */
function jsonPath(error: ErrorObject): string {
  const segments = error.instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
  const field = missingOrExtraField(error);
  if (field !== undefined) segments.push(field);
  if (segments.length === 0) return "(document)";
  return segments
    .map((segment, index) =>
      /^\d+$/.test(segment) ? `[${segment}]` : /^[A-Za-z_$][\w$]*$/.test(segment) ? (index === 0 ? segment : `.${segment}`) : `[${JSON.stringify(segment)}]`,
    )
    .join("");
}

function missingOrExtraField(error: ErrorObject): string | undefined {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  return params.missingProperty ?? params.additionalProperty;
}

function describe(error: ErrorObject): string {
  if (error.keyword === "required") return "is required";
  if (error.keyword === "additionalProperties") return "is not allowed here";
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `must be one of ${allowed.map((value) => JSON.stringify(value)).join(", ")}`;
  }
  return error.message ?? `fails the schema's ${error.keyword} rule`;
}
