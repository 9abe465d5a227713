import type { IncomingMessage, ServerResponse } from "node:http";
import { CairnError } from "@cairn/core";

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  /** Decoded path segments captured by `:name` placeholders. */
  params: Record<string, string>;
  query: URLSearchParams;
}

export type Handler = (context: RouteContext) => Promise<void>;

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  /** The pattern the route was added with (`/api/stacks/:org/:project`): what the audit log names routes by. */
  pattern: string;
}

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: Handler;
}

/**
 * A method + path table. Patterns are `/api/stacks/:org/:project` style; each request segment is
 * percent-decoded once before matching, so an encoded `/` or `..` arrives as a value the route's
 * own name check refuses, instead of changing which route matches.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern, segments: pattern.split("/").filter((s) => s !== ""), handler });
    return this;
  }

  /** The handler, params and pattern for a request, or undefined (404); a known path with another method is an InvalidArgument. */
  match(method: string, pathname: string): RouteMatch | undefined {
    const parts = pathname.split("/").filter((s) => s !== "").map(decodeSegment);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      if (route.method === method || (method === "HEAD" && route.method === "GET")) return { handler: route.handler, params, pattern: route.pattern };
      pathKnown = true;
    }
    if (pathKnown) throw new CairnError("InvalidArgument", `method ${method} is not allowed on ${pathname}`);
    return undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const actual = parts[i] as string;
    if (expected.startsWith(":")) params[expected.slice(1)] = actual;
    else if (expected !== actual) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new CairnError("InvalidArgument", `the path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}
