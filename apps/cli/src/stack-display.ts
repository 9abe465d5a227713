import { formatStackRef, type StackRef } from "@cairn/core";

/**
 * A stack as Pulumi's self-managed references print it (in `stack ls` and in messages): the bare
 * name in the current project or in a legacy (project-less) store, else fully qualified.
 */
export function displayStackName(ref: StackRef, currentProject: string | undefined): string {
  return ref.project === undefined || ref.project === currentProject ? ref.name : formatStackRef(ref);
}
