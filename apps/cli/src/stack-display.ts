import { DEFAULT_ORGANIZATION, formatStackRef, type StackRef, type StateBackend } from "@cairn/core";

/**
 * A stack as the Pulumi CLI prints its references (in `stack ls` and in messages): the bare name
 * in the current project when the stack is in the default organization (or in a legacy,
 * project-less store), `org/name` in the current project under another organization, else
 * `org/project/name`. `defaultOrg` is the backend's real default organization: the placeholder
 * `organization` a reference holds for it is shown as that name, so a service never prints the
 * self-managed placeholder. Self-managed stores have none, and keep the placeholder, as Pulumi.
 */
export function displayStackName(ref: StackRef, currentProject: string | undefined, defaultOrg?: string): string {
  if (ref.project === undefined) return ref.name;
  const inDefaultOrg = ref.organization === DEFAULT_ORGANIZATION || ref.organization === defaultOrg;
  const owner = ref.organization === DEFAULT_ORGANIZATION ? (defaultOrg ?? DEFAULT_ORGANIZATION) : ref.organization;
  if (ref.project === currentProject) return inDefaultOrg ? ref.name : `${owner}/${ref.name}`;
  return `${owner}/${ref.project}/${ref.name}`;
}

export interface StackNames {
  /** As Pulumi prints it (`displayStackName`). */
  display(ref: StackRef): string;
  /**
   * `org/project/name` with the real organization: what the project's stack selection stores, as
   * Pulumi stores it (so `pulumi` reads the same stack); `organization/…` on self-managed stores.
   */
  qualified(ref: StackRef): string;
  /** Whether two references name one stack (the placeholder and the default organization are one). */
  same(a: StackRef, b: StackRef): boolean;
}

/** Names for a backend's stacks, its default organization asked once, relative to the current project. */
export async function stackNames(backend: StateBackend, currentProject: string | undefined): Promise<StackNames> {
  const defaultOrg = backend.defaultOrganization === undefined ? undefined : (await backend.defaultOrganization()).name;
  const owner = (ref: StackRef) => (ref.organization === DEFAULT_ORGANIZATION ? (defaultOrg ?? DEFAULT_ORGANIZATION) : ref.organization);
  const qualified = (ref: StackRef) => formatStackRef({ ...ref, organization: owner(ref) });
  return {
    display: (ref) => displayStackName(ref, currentProject, defaultOrg),
    qualified,
    same: (a, b) => qualified(a) === qualified(b),
  };
}
