import { expect, it } from "vitest";
import { ROUTE_AUDIT, routeAuditOf } from "../src/audit/actions.js";

it("a non-GET route missing from the table is still recorded, under its method and pattern; GET and HEAD never are", () => {
  expect(routeAuditOf("POST", "/settings/tokens/new")).toEqual({ action: "POST /settings/tokens/new", scope: "org" });
  expect(routeAuditOf("GET", "/api/orgs/:org/auditlogs")).toBeUndefined();
  expect(routeAuditOf("HEAD", "/api/stacks/:org/:project/:stack")).toBeUndefined();
  expect(routeAuditOf("DELETE", "/api/stacks/:org/:project/:stack")).toEqual({ action: "stack.delete", scope: "org" });
});

it("action names are stable dotted names, and no GET is in the table", () => {
  for (const [route, audit] of Object.entries(ROUTE_AUDIT)) {
    expect(route).toMatch(/^(POST|PUT|PATCH|DELETE) \//);
    if ("action" in audit) expect(audit.action, route).toMatch(/^[a-z-]+(\.[a-z-]+)+$/);
  }
});
