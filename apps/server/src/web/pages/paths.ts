import type { StackId } from "../../state/org-state.js";

/**
 * The console's stable URLs (the Pulumi console's where the CLI prints one) and the breadcrumbs
 * above each page: organization → project → stack → update. Names are validated; encoding them
 * still keeps every link literal.
 */
export function orgPath(org: string): string {
  return `/${encodeURIComponent(org)}`;
}

/** A project has no page of its own: its crumb is the organization's list filtered to it. */
export function projectPath(org: string, project: string): string {
  return `${orgPath(org)}?project=${encodeURIComponent(project)}`;
}

export function stackPath(id: StackId): string {
  return `${orgPath(id.org)}/${encodeURIComponent(id.project)}/${encodeURIComponent(id.stack)}`;
}

export function updatePath(id: StackId, version: number): string {
  return `${stackPath(id)}/updates/${version}`;
}

export interface Crumb {
  label: string;
  href: string;
}

/** The crumbs above a stack's pages (the stack's own page stops at the project). */
export function stackCrumbs(id: StackId, withStack: boolean): Crumb[] {
  const crumbs = [
    { label: "Stacks", href: "/" },
    { label: id.org, href: orgPath(id.org) },
    { label: id.project, href: projectPath(id.org, id.project) },
  ];
  return withStack ? [...crumbs, { label: id.stack, href: stackPath(id) }] : crumbs;
}
