import { CairnError } from "../errors.js";

/**
 * The one way a checkpoint or deployment is refused: `InvalidArgument` (exit code 2 in the CLI),
 * a message that starts with the JSON path of the offending value and says what is wrong with it,
 * and a hint saying what to do. Callers throw before writing anything, so a refusal changes nothing.
 */
export function invalidDeployment(path: string, problem: string, hint = "fix the field named above in the exported file and import it again"): CairnError {
  return new CairnError("InvalidArgument", `invalid deployment: ${path === "" ? "(document)" : path}: ${problem}`, { hint });
}

/** A JSON path segment: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `deployment` + `resources`, 3, `urn` → `deployment.resources[3].urn`; keys that are not
 * identifiers are bracketed and quoted so the path stays unambiguous. Built only when a check
 * fails: the valid path (every save of a large stack) never pays for string building.
 */
export function joinPath(base: string, ...segments: readonly PathSegment[]): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += path === "" ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}
