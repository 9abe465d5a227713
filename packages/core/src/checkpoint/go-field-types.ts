import { isObject } from "./migrate.js";
import type { PathSegment } from "./validation-error.js";

/**
 * The JSON types of resource fields as Pulumi's Go structs declare them (`ResourceV1`–`ResourceV3`
 * in `sdk/go/common/apitype/core.go`). Go's decoder fails the whole state on a field of the wrong
 * JSON type, so cairn refuses such a field at import instead of writing state Pulumi cannot read.
 * `null` is always accepted: Go decodes it into any field as "leave the zero value".
 * Fields not listed here (`replacementTrigger` is `any`, `hideDiff` paths, and any field a newer
 * Pulumi adds) are carried through unchecked.
 */
type Kind = "boolean" | "string" | "strings" | "object" | "urnListMap" | "time" | "objects";

const FIELD_KINDS: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ["urn", "string"],
  ["type", "string"],
  ["custom", "boolean"],
  ["delete", "boolean"],
  ["protect", "boolean"],
  ["taint", "boolean"],
  ["external", "boolean"],
  ["pendingReplacement", "boolean"],
  ["retainOnDelete", "boolean"],
  ["refreshBeforeUpdate", "boolean"],
  ["id", "string"],
  ["parent", "string"],
  ["provider", "string"],
  ["deletedWith", "string"],
  ["importID", "string"],
  ["sourcePosition", "string"],
  ["viewOf", "string"],
  ["extensionRef", "string"],
  ["snippetID", "string"],
  ["dependencies", "strings"],
  ["initErrors", "strings"],
  ["additionalSecretOutputs", "strings"],
  ["aliases", "strings"],
  ["replaceWith", "strings"],
  ["ignoreChanges", "strings"],
  ["replaceOnChanges", "strings"],
  ["inputs", "object"],
  ["outputs", "object"],
  ["defaults", "object"], // version 1 only
  ["customTimeouts", "object"],
  ["propertyDependencies", "urnListMap"],
  ["resourceHooks", "urnListMap"], // hook type → hook names: the same JSON shape
  ["created", "time"],
  ["modified", "time"],
  ["stackTrace", "objects"],
]);

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339, as Go's `time.Time` reads it (anything else fails the whole state in Go). */
export function isRfc3339(value: unknown): boolean {
  return typeof value === "string" && RFC3339.test(value);
}

/** A field of the wrong JSON type: where (relative to the resource) and what it should be. */
export interface FieldTypeViolation {
  segments: PathSegment[];
  expected: string;
}

/** Looks only at the fields the resource has, so a resource costs what it holds, not the table. */
export function findFieldTypeViolation(resource: Record<string, unknown>): FieldTypeViolation | undefined {
  for (const field in resource) {
    const kind = FIELD_KINDS.get(field);
    if (kind === undefined) continue;
    const value = resource[field];
    // undefined is what JSON.stringify drops: a caller's object with it means "absent", as null does.
    if (value === null || value === undefined) continue;
    const inner = violationOf(kind, value);
    if (inner !== undefined) return { segments: [field, ...inner.segments], expected: inner.expected };
  }
  return undefined;
}

function violationOf(kind: Kind, value: unknown): FieldTypeViolation | undefined {
  switch (kind) {
    case "boolean":
      return typeof value === "boolean" ? undefined : { segments: [], expected: "boolean" };
    case "string":
      return typeof value === "string" ? undefined : { segments: [], expected: "string" };
    case "time":
      return isRfc3339(value) ? undefined : { segments: [], expected: "an RFC 3339 date-time string" };
    case "object":
      return isObject(value) ? undefined : { segments: [], expected: "object" };
    case "strings":
      return stringListViolation(value);
    case "objects": {
      if (!Array.isArray(value)) return { segments: [], expected: "array" };
      const bad = value.findIndex((item) => item !== null && item !== undefined && !isObject(item));
      return bad === -1 ? undefined : { segments: [bad], expected: "object" };
    }
    case "urnListMap": {
      if (!isObject(value)) return { segments: [], expected: "object" };
      for (const key in value) {
        const list = value[key];
        if (list === null || list === undefined) continue; // Pulumi's own v1→v3 migration writes null for "no dependencies"
        const inner = stringListViolation(list);
        if (inner !== undefined) return { segments: [key, ...inner.segments], expected: inner.expected };
      }
      return undefined;
    }
  }
}

/** A Go `[]string`: an array whose items are strings (or null, which Go reads as ""). */
function stringListViolation(value: unknown): FieldTypeViolation | undefined {
  if (!Array.isArray(value)) return { segments: [], expected: "array of strings" };
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    if (item !== null && item !== undefined && typeof item !== "string") return { segments: [index], expected: "string" };
  }
  return undefined;
}
