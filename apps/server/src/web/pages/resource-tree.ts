import { escapeHtml, Html } from "../html.js";

/** The fields of a state resource the tree shows. */
export interface TreeResource {
  urn: string;
  type: string;
  id?: string;
  parent?: string;
  provider?: string;
  delete?: boolean;
}

interface Node {
  resource: TreeResource;
  children: Node[];
  match: boolean;
}

export interface ResourceTree {
  roots: Node[];
  /** Resources matching the search (all of them without one). */
  matches: number;
  total: number;
}

/**
 * The stack's resources as a tree by parent URN, in state order (parents come first). With a
 * search, only resources whose name contains it (any case) are kept, with their ancestors so each
 * match still reads in place. A resource whose parent is missing is a root; a parent cycle (not
 * valid state, but state is data) is broken rather than followed.
 */
export function buildResourceTree(resources: TreeResource[], query: string): ResourceTree {
  const nodes = resources.map((resource): Node => ({ resource, children: [], match: false }));
  const byUrn = new Map<string, Node>();
  for (const node of nodes) if (!byUrn.has(node.resource.urn)) byUrn.set(node.resource.urn, node);
  const parentOf = (node: Node): Node | undefined => {
    const parent = node.resource.parent === undefined ? undefined : byUrn.get(node.resource.parent);
    return parent === node ? undefined : parent;
  };
  const needle = query.toLowerCase();
  let matches = 0;
  const kept = new Set<Node>();
  for (const node of nodes) {
    if (needle !== "" && !resourceName(node.resource.urn).toLowerCase().includes(needle)) continue;
    node.match = needle !== ""; // highlighted only as a search's answer
    matches++;
    // The match and its ancestors, up to one already kept (or a cycle back into the walk).
    for (let at: Node | undefined = node; at !== undefined && !kept.has(at); at = parentOf(at)) kept.add(at);
  }
  const roots: Node[] = [];
  for (const node of nodes) {
    if (!kept.has(node)) continue;
    const parent = parentOf(node);
    if (parent !== undefined && kept.has(parent)) parent.children.push(node);
    else roots.push(node);
  }
  // Nodes only reachable through a cycle are made roots, so every kept resource is shown once.
  const reached = new Set<Node>();
  const walk = (start: Node) => {
    const pending = [start];
    while (pending.length > 0) {
      const node = pending.pop() as Node;
      if (reached.has(node)) continue;
      reached.add(node);
      pending.push(...node.children);
    }
  };
  roots.forEach(walk);
  for (const node of nodes) {
    if (kept.has(node) && !reached.has(node)) {
      roots.push(node);
      walk(node);
    }
  }
  return { roots, matches, total: resources.length };
}

/** A URN's name: what follows its first three `::` (a name may itself contain `::`). */
export function resourceName(urn: string): string {
  let at = 0;
  for (let i = 0; i < 3; i++) {
    const next = urn.indexOf("::", at);
    if (next < 0) return urn;
    at = next + 2;
  }
  return urn.slice(at);
}

/** A provider reference (`<provider URN>::<id>`) shortly: its package and name, e.g. `aws/default_6_66_0`. */
export function providerLabel(reference: string): string {
  const urn = reference.slice(0, Math.max(0, reference.lastIndexOf("::")));
  const type = urn.split("::")[2] ?? "";
  const pkg = type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : type;
  return pkg === "" ? reference : `${pkg}/${resourceName(urn)}`;
}

/**
 * The tree as nested lists, written without recursion (a deep chain cannot exhaust the stack) and
 * into one string: thousands of resources render in a few milliseconds.
 */
export function renderResourceTree(tree: ResourceTree): Html {
  const out: string[] = ['<ul class="tree" id="resource-tree">'];
  const frames: Array<{ nodes: Node[]; next: number }> = [{ nodes: tree.roots, next: 0 }];
  const seen = new Set<Node>();
  while (frames.length > 0) {
    const frame = frames[frames.length - 1] as { nodes: Node[]; next: number };
    if (frame.next >= frame.nodes.length) {
      frames.pop();
      if (frames.length > 0) out.push("</ul></li>");
      continue;
    }
    const node = frame.nodes[frame.next++] as Node;
    if (seen.has(node)) continue;
    seen.add(node);
    out.push(item(node));
    if (node.children.length > 0) {
      out.push("<ul>");
      frames.push({ nodes: node.children, next: 0 });
    } else {
      out.push("</li>");
    }
  }
  out.push("</ul>");
  return new Html(out.join(""));
}

function item(node: Node): string {
  const { resource } = node;
  const e = escapeHtml;
  const parts = [
    `<li class="res${node.match ? " match" : ""}"><span class="res-name">${e(resourceName(resource.urn))}</span> <span class="res-type">${e(resource.type)}</span>`,
    resource.delete ? ' <span class="badge warn">pending delete</span>' : "",
    resource.provider ? ` <span class="res-provider">provider <span class="mono">${e(providerLabel(resource.provider))}</span></span>` : "",
    resource.id ? ` <span class="res-id">id <code>${e(resource.id)}</code></span>` : "",
    `<div class="urn mono">${e(resource.urn)}</div>`,
  ];
  return parts.join("");
}
