import { CairnError } from "@cairn/core";
import { authenticate, requireRole } from "../access.js";
import { parseRole } from "../accounts/roles.js";
import { checkBody } from "../http/json-shape.js";
import { readJsonBody } from "../http/request-body.js";
import { sendJson } from "../http/respond.js";
import type { Router } from "../http/router.js";
import type { Services } from "../services.js";

/** Below this size a whole checkpoint costs about what a delta does (the hash and the diff are not free). */
const DELTA_CUTOFF_BYTES = 64 * 1024;

/** Identity, tokens, organizations and members (Pulumi's `/api/user…` plus cairn's admin routes). */
export function addIdentityRoutes(router: Router, services: Services): void {
  // What the Pulumi CLI may rely on beyond the base API. Journaling is not a capability: it is agreed
  // per update through `journalVersion` at start.
  // Checkpoints above the cutoff are sent as deltas by clients that do not journal.
  router.add("GET", "/api/capabilities", async ({ response }) =>
    sendJson(response, 200, {
      capabilities: [
        { capability: "batch-encrypt" },
        { capability: "delta-checkpoint-uploads-v2", version: 2, configuration: { checkpointCutoffSizeBytes: DELTA_CUTOFF_BYTES } },
      ],
    }),
  );
  router.add("GET", "/api/cli/version", async ({ response }) => sendJson(response, 200, { latestVersion: "3.0.0", oldestWithoutWarning: "3.0.0" }));

  router.add("GET", "/api/user", async ({ request, response }) => {
    const principal = await authenticate(services, request);
    const organizations = await services.accounts.organizationsOf(principal.user.name);
    sendJson(response, 200, {
      githubLogin: principal.user.name,
      name: principal.user.name,
      organizations: organizations.map((org) => ({ githubLogin: org, name: org })),
      tokenInfo: { name: principal.token.description, id: principal.token.id, redacted: principal.token.redacted },
      siteAdmin: principal.user.siteAdmin,
    });
  });

  router.add("GET", "/api/user/organizations/default", async ({ request, response }) => {
    const principal = await authenticate(services, request);
    sendJson(response, 200, { gitHubLogin: principal.user.name, messages: [] });
  });

  router.add("GET", "/api/user/tokens", async ({ request, response }) => {
    const principal = await authenticate(services, request);
    const tokens = await services.accounts.tokensOf(principal.user.name);
    sendJson(response, 200, { tokens: tokens.map(({ id, description, createdAt, lastUsedAt, revokedAt, redacted }) => ({ id, description, created: createdAt, lastUsed: lastUsedAt ?? null, revoked: revokedAt !== undefined, redacted })) });
  });

  router.add("POST", "/api/user/tokens", async ({ request, response }) => {
    const principal = await authenticate(services, request);
    const body = checkBody<{ description?: string }>(await readJsonBody(request, services.maxBodyBytes), { description: "string?" }, "create token");
    const { token, record } = await services.accounts.issueToken(principal.user.name, body.description ?? "");
    sendJson(response, 200, { id: record.id, tokenValue: token });
  });

  router.add("DELETE", "/api/user/tokens/:id", async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    await services.accounts.revokeToken(principal.user.name, params.id ?? "");
    sendJson(response, 200, {});
  });

  router.add("POST", "/api/admin/users", async ({ request, response }) => {
    const principal = await authenticate(services, request);
    requireSiteAdmin(principal.user.siteAdmin);
    const body = checkBody<{ name: string; siteAdmin?: boolean }>(await readJsonBody(request, services.maxBodyBytes), { name: "string", siteAdmin: "boolean?" }, "create user");
    const user = await services.accounts.createUser(body.name, { siteAdmin: body.siteAdmin ?? false });
    sendJson(response, 200, { name: user.name, siteAdmin: user.siteAdmin });
  });

  router.add("POST", "/api/admin/users/:user/tokens", async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    requireSiteAdmin(principal.user.siteAdmin);
    const body = checkBody<{ description?: string }>(await readJsonBody(request, services.maxBodyBytes), { description: "string?" }, "create token");
    const name = params.user ?? "";
    if ((await services.accounts.getUser(name)) === undefined) throw new CairnError("NotFound", `user ${name} does not exist`);
    const { token, record } = await services.accounts.issueToken(name, body.description ?? "");
    sendJson(response, 200, { id: record.id, tokenValue: token });
  });

  router.add("POST", "/api/orgs", async ({ request, response }) => {
    const principal = await authenticate(services, request);
    const body = checkBody<{ name: string }>(await readJsonBody(request, services.maxBodyBytes), { name: "string" }, "create organization");
    await services.accounts.createOrganization(body.name, principal.user.name);
    sendJson(response, 200, { name: body.name });
  });

  router.add("PUT", "/api/orgs/:org/members/:user", async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const org = params.org ?? "";
    await requireRole(services, principal, org, "admin");
    const body = checkBody<{ role: string }>(await readJsonBody(request, services.maxBodyBytes), { role: "string" }, "set member role");
    await services.accounts.setRole(org, params.user ?? "", parseRole(body.role));
    sendJson(response, 200, { org, user: params.user, role: body.role });
  });

  router.add("DELETE", "/api/orgs/:org/members/:user", async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const org = params.org ?? "";
    await requireRole(services, principal, org, "admin");
    await services.accounts.removeMember(org, params.user ?? "");
    sendJson(response, 200, {});
  });
}

function requireSiteAdmin(siteAdmin: boolean): void {
  if (!siteAdmin) throw new CairnError("PermissionDenied", "only a site admin may manage users");
}
