import { CairnError } from "@cairn/core";
import type { Services } from "../../services.js";
import type { StackFilters, StackRow } from "../../web/pages/stack-list.js";

/** Longer filter text than this is not a name anyone typed. */
const MAX_FILTER_LENGTH = 200;

/** The list filters from a page's query: `project`, `tag` (`key` or `key=value`) and `q` (name text). */
export function filtersOf(query: URLSearchParams): StackFilters {
  const field = (name: string) => {
    const value = (query.get(name) ?? "").trim();
    if (value.length > MAX_FILTER_LENGTH) throw new CairnError("InvalidArgument", `the ${name} filter is longer than ${MAX_FILTER_LENGTH} characters`);
    return value;
  };
  return { project: field("project"), tag: field("tag"), q: field("q") };
}

/**
 * The stacks of `orgs` for a list page, with each one's last update. Per organization: the stack
 * listing (core's stack index: one listing and one read per project) and the last updates
 * (`StackActivity`: one listing and one cached read), so the cost does not grow with a read per
 * stack. Only a tag filter reads each stack's tags.
 */
export async function loadStackRows(services: Services, orgs: string[], filters: StackFilters): Promise<{ rows: StackRow[]; projects: string[]; total: number }> {
  const all: StackRow[] = [];
  await Promise.all(
    orgs.map(async (org) => {
      const backend = services.state.backendFor(org);
      const [summaries, last] = await Promise.all([backend.listStacks(), services.stackActivity.lastUpdates(org)]);
      for (const summary of summaries) {
        const project = summary.ref.project ?? "";
        const row: StackRow = { id: { org, project, stack: summary.ref.name }, resourceCount: summary.resourceCount ?? 0 };
        if (summary.lastUpdate !== undefined) row.lastWrite = summary.lastUpdate;
        const update = last.get(`${project}/${summary.ref.name}`);
        if (update !== undefined) row.last = update;
        if (summary.broken !== undefined) row.broken = true;
        all.push(row);
      }
    }),
  );
  all.sort((a, b) => compare(nameOf(a), nameOf(b)));
  // The asked-for project stays in the form even when no stack has it (yet).
  const projects = [...new Set([...all.map((row) => row.id.project), ...(filters.project === "" ? [] : [filters.project])])].sort(compare);
  const text = filters.q.toLowerCase();
  let rows = all.filter((row) => (filters.project === "" || row.id.project === filters.project) && (text === "" || nameOf(row).toLowerCase().includes(text)));
  if (filters.tag !== "") {
    // The layout's own tag filter (Pulumi's `stack ls --tag`): it reads each stack's tags file
    // only, where a per-stack `getStackTags` would read and check the stack file first as well.
    const [tagName, tagValue] = splitTag(filters.tag);
    const wanted = new Set(rows.map((row) => row.id.org));
    const matching = new Set<string>();
    await Promise.all(
      [...wanted].map(async (org) => {
        const tagged = await services.state.backendFor(org).listStacks({ tagName, ...(tagValue === undefined ? {} : { tagValue }) });
        for (const summary of tagged) matching.add(`${org}/${summary.ref.project ?? ""}/${summary.ref.name}`);
      }),
    );
    rows = rows.filter((row) => matching.has(nameOf(row)));
  }
  return { rows, projects, total: all.length };
}

/** `key=value` (the first `=` splits, as in `pulumi stack ls --tag`) or a bare `key`. */
function splitTag(tag: string): [string, string | undefined] {
  const at = tag.indexOf("=");
  return at < 0 ? [tag, undefined] : [tag.slice(0, at), tag.slice(at + 1)];
}

function nameOf(row: StackRow): string {
  return `${row.id.org}/${row.id.project}/${row.id.stack}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
