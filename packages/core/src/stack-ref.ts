import { CairnError } from "./errors.js";

/** The only organization a self-managed backend knows (Pulumi's DIY rule). */
export const DEFAULT_ORGANIZATION = "organization";

export interface StackRef {
  organization: string;
  /** Absent only on a legacy (non-project-scoped) layout. */
  project?: string;
  name: string;
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
const MAX_NAME_LENGTH = 100;

/** Checks a stack, project or organization name as a path segment: nothing that escapes a directory. */
export function validateName(kind: "stack" | "project" | "organization", name: string): void {
  const why =
    name.length === 0
      ? "it is empty"
      : name.length > MAX_NAME_LENGTH
        ? `it is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`
        : name === "." || name === ".."
          ? "it is a relative path segment"
          : !NAME_PATTERN.test(name)
            ? "it may contain only letters, digits, hyphens, underscores and periods"
            : undefined;
  if (why !== undefined) {
    throw new CairnError("InvalidArgument", `invalid ${kind} name ${JSON.stringify(name)}: ${why}`);
  }
}

/**
 * Parses a stack reference as Pulumi does (`pkg/backend/diy/store.go` ParseReference): `stack`,
 * `org/stack` or `org/project/stack`. Two parts are an organization and a stack, never a project:
 * the project then comes from `defaultProject` (the project of the working directory), as it does
 * for one part. A missing organization is `organization`.
 */
export function parseStackRef(text: string, defaultProject?: string): StackRef {
  const parts = text.split("/");
  if (parts.length > 3) {
    throw new CairnError("InvalidArgument", `invalid stack reference ${JSON.stringify(text)}`, {
      hint: "use <stack>, organization/<stack> or organization/<project>/<stack>",
    });
  }
  const name = parts.at(-1) ?? "";
  const project = parts.length === 3 ? parts[1] : defaultProject;
  const organization = parts.length >= 2 ? (parts[0] ?? "") : DEFAULT_ORGANIZATION;
  validateName("stack", name);
  if (project !== undefined) validateName("project", project);
  validateName("organization", organization);
  return project === undefined ? { organization, name } : { organization, project, name };
}

export function formatStackRef(ref: StackRef): string {
  return [ref.organization, ref.project, ref.name].filter((part) => part !== undefined).join("/");
}

export function sameStack(a: StackRef, b: StackRef): boolean {
  return a.organization === b.organization && a.project === b.project && a.name === b.name;
}
