import { CairnError, validateDeployment, validateName, type StackSummary, type UntypedDeployment } from "@cairn/core";
import { authenticate, requireRole, stackIdOf } from "../access.js";
import type { Principal } from "../accounts/accounts.js";
import { noteAudit } from "../audit/request-audit.js";
import { checkBody } from "../http/json-shape.js";
import { readJsonBody } from "../http/request-body.js";
import { sendJson } from "../http/respond.js";
import type { RouteContext, Router } from "../http/router.js";
import type { Services } from "../services.js";
import { layoutRef, type StackId } from "../state/org-state.js";
import { lockInfoOf } from "../updates/leases.js";
import type { HistoryEntry } from "../updates/updates.js";
import { checkTags, clientOf } from "./request-fields.js";

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;
/** The longest `?message=` an import takes (a commit subject is far shorter; a bound keeps records small). */
const MAX_IMPORT_MESSAGE = 1024;

/** Stacks: list, create, get, remove, rename, export, import, history, cancel (Pulumi's paths). */
export function addStackRoutes(router: Router, services: Services): void {
  const stackRoute = (permission: "read" | "write" | "admin", handle: (context: RouteContext, id: StackId, principal: Principal) => Promise<void>) => async (context: RouteContext) => {
    const principal = await authenticate(services, context.request);
    const id = stackIdOf(context.params);
    await requireRole(services, principal, id.org, permission);
    await handle(context, id, principal);
  };

  router.add("GET", "/api/user/stacks", async ({ request, response, query }) => {
    const principal = await authenticate(services, request);
    const project = query.get("project") ?? undefined;
    if (project !== undefined) validateName("project", project);
    const wanted = query.get("organization");
    const orgs = wanted === null ? await services.accounts.organizationsOf(principal.user.name) : [wanted];
    if (wanted !== null) await requireRole(services, principal, wanted, "read");
    const pageSize = Math.min(MAX_PAGE_SIZE, Number.parseInt(query.get("pageSize") ?? "", 10) || DEFAULT_PAGE_SIZE);
    const after = decodeContinuation(query.get("continuationToken"));
    const all: Array<{ key: string; org: string; summary: StackSummary }> = [];
    for (const org of orgs) {
      for (const summary of await services.state.backendFor(org).listStacks(project === undefined ? {} : { project })) {
        all.push({ key: `${org}/${summary.ref.project ?? ""}/${summary.ref.name}`, org, summary });
      }
    }
    all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const rest = after === undefined ? all : all.filter((entry) => entry.key > after);
    const page = rest.slice(0, pageSize);
    const body: Record<string, unknown> = {
      stacks: page.map(({ org, summary }) => ({
        orgName: org,
        projectName: summary.ref.project,
        stackName: summary.ref.name,
        ...(summary.lastUpdate ? { lastUpdate: Math.floor(summary.lastUpdate.getTime() / 1000) } : {}),
        resourceCount: summary.resourceCount ?? 0,
      })),
    };
    if (rest.length > page.length) body.continuationToken = Buffer.from((page.at(-1) as { key: string }).key, "utf8").toString("base64url");
    sendJson(response, 200, body);
  });

  router.add("POST", "/api/stacks/:org/:project", async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const body = checkBody<{ stackName: string; state?: unknown; tags?: unknown }>(
      await readJsonBody(request, services.maxBodyBytes),
      { stackName: "string", tags: "object?", state: "object?", teams: "array?", config: "object?" },
      "create stack",
    );
    const id = stackIdOf({ ...params, stack: body.stackName });
    await requireRole(services, principal, id.org, "write");
    const initial = body.state === undefined || body.state === null ? undefined : validateDeployment(body.state);
    const tags = body.tags === undefined || body.tags === null ? undefined : checkTags(body.tags);
    await services.updates.forget(id); // leftovers of a removed stack of the same name
    await services.state.backendFor(id.org).createStack(layoutRef(id), initial === undefined ? {} : { initialDeployment: initial });
    if (tags !== undefined && Object.keys(tags).length > 0) await services.updates.replaceTags(id, tags);
    sendJson(response, 200, { orgName: id.org, projectName: id.project, stackName: id.stack });
  });

  router.add("GET", "/api/stacks/:org/:project", async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const org = params.org ?? "";
    const project = params.project ?? "";
    validateName("project", project);
    await requireRole(services, principal, org, "read");
    const stacks = await services.state.backendFor(org).listStacks({ project });
    if (stacks.length === 0) throw new CairnError("NotFound", `project ${org}/${project} has no stacks`);
    sendJson(response, 200, { orgName: org, projectName: project });
  });

  router.add("GET", "/api/stacks/:org/:project/:stack", stackRoute("read", async ({ response }, id) => {
    const summary = await services.state.backendFor(id.org).getStack(layoutRef(id));
    if (summary === undefined) throw notFound(id);
    const backend = services.state.backendFor(id.org);
    const lease = await services.updates.leases.current(id);
    const latest = (await services.updates.history(id, 1, 1))[0];
    sendJson(response, 200, {
      id: `${id.org}/${id.project}/${id.stack}`,
      orgName: id.org,
      projectName: id.project,
      stackName: id.stack,
      tags: (await backend.getStackTags?.(layoutRef(id))) ?? {},
      version: latest?.version ?? 0,
      // The running update (what `pulumi cancel` cancels), else the last one.
      activeUpdate: lease?.updateId ?? latest?.updateId ?? "",
      resourceCount: summary.resourceCount ?? 0,
      ...(summary.lastUpdate ? { lastUpdate: Math.floor(summary.lastUpdate.getTime() / 1000) } : {}),
      ...(lease === undefined
        ? {}
        : { currentOperation: { kind: lease.kind, author: lease.user, started: Math.floor(Date.parse(lease.startedAt) / 1000), lock: lockInfoOf(lease) } }),
    });
  }));

  router.add("DELETE", "/api/stacks/:org/:project/:stack", stackRoute("write", async ({ response, query }, id) => {
    await services.updates.leases.refuseIfLeased(id);
    await services.state.backendFor(id.org).removeStack(layoutRef(id), { force: query.get("force") === "true", removeBackups: true });
    await services.updates.forget(id);
    sendJson(response, 200, {});
  }));

  router.add("POST", "/api/stacks/:org/:project/:stack/rename", stackRoute("write", async ({ request, response }, id) => {
    const body = checkBody<{ newName: string; newProject?: string }>(await readJsonBody(request, services.maxBodyBytes), { newName: "string", newProject: "string?" }, "rename stack");
    const to = stackIdOf({ org: id.org, project: body.newProject ?? id.project, stack: body.newName });
    noteAudit({ details: { newProject: to.project, newName: to.stack } });
    await services.updates.leases.refuseIfLeased(id);
    await services.state.backendFor(id.org).renameStack(layoutRef(id), layoutRef(to));
    await services.updates.rename(id, to);
    sendJson(response, 200, {});
  }));

  router.add("GET", "/api/stacks/:org/:project/:stack/export", stackRoute("read", async ({ response }, id) => {
    sendJson(response, 200, await services.state.backendFor(id.org).exportDeployment(layoutRef(id)));
  }));

  router.add("GET", "/api/stacks/:org/:project/:stack/export/:version", stackRoute("read", async ({ response, params }, id) => {
    sendJson(response, 200, await services.updates.exportVersion(id, parseVersion(params.version)));
  }));

  // The body is Pulumi's (an `UntypedDeployment`); cairn's optional `?message=` names the update
  // in history (a restore's "restore of version N"), which Pulumi's CLI never sends.
  router.add("POST", "/api/stacks/:org/:project/:stack/import", stackRoute("write", async ({ request, response, query }, id, principal) => {
    const message = importMessage(query.get("message"));
    const deployment: UntypedDeployment = validateDeployment(await readJsonBody(request, services.maxBodyBytes));
    const by = clientOf(request.headers, principal.user.name);
    const { updateId, version } = await services.updates.importState(id, deployment, by, message === undefined ? {} : { message });
    noteAudit({ target: { updateId }, details: { version } });
    sendJson(response, 200, { updateId, version });
  }));

  router.add("GET", "/api/stacks/:org/:project/:stack/updates", stackRoute("read", async ({ response, query }, id) => {
    const page = Math.max(1, Number.parseInt(query.get("page") ?? "1", 10) || 1);
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Number.parseInt(query.get("pageSize") ?? "10", 10) || 10));
    sendJson(response, 200, { updates: (await services.updates.history(id, page, pageSize)).map(updateInfoOf) });
  }));

  router.add("GET", "/api/stacks/:org/:project/:stack/updates/latest", stackRoute("read", async ({ response }, id) => {
    const latest = (await services.updates.history(id, 1, 1))[0];
    if (latest === undefined) throw new CairnError("NotFound", `${id.org}/${id.project}/${id.stack} has no updates`);
    sendJson(response, 200, { info: updateInfoOf(latest), updateID: latest.updateId, version: latest.version });
  }));

  router.add("GET", "/api/stacks/:org/:project/:stack/updates/:version", stackRoute("read", async ({ response, params }, id) => {
    const version = parseVersion(params.version);
    const entry = (await services.updates.history(id, 1, Number.MAX_SAFE_INTEGER)).find((candidate) => candidate.version === version);
    if (entry === undefined) throw new CairnError("NotFound", `${id.org}/${id.project}/${id.stack} has no version ${version}`, { hint: "`pulumi stack history` lists the versions" });
    sendJson(response, 200, { info: updateInfoOf(entry), updateID: entry.updateId, version: entry.version });
  }));

  // Pulumi's `UpdateStackTags`: the body is the whole new set of tags.
  router.add("PATCH", "/api/stacks/:org/:project/:stack/tags", stackRoute("write", async ({ request, response }, id) => {
    const tags = checkTags(await readJsonBody(request, services.maxBodyBytes));
    if ((await services.state.backendFor(id.org).getStack(layoutRef(id))) === undefined) throw notFound(id);
    await services.updates.replaceTags(id, tags);
    sendJson(response, 200, {});
  }));

  router.add("POST", "/api/stacks/:org/:project/:stack/cancel", stackRoute("write", async ({ response }, id) => {
    const holder = await services.updates.cancel(id);
    if (holder !== undefined) services.deltaBases.forget(holder.updateId);
    if (holder !== undefined) noteAudit({ target: { updateId: holder.updateId }, details: { kind: holder.kind } });
    sendJson(response, 200, { holders: holder === undefined ? [] : [lockInfoOf(holder)] });
  }));
}

/** Pulumi's `UpdateInfo` (what `pulumi stack history` reads), with cairn's `user` and `resourceCount`. */
function updateInfoOf(entry: HistoryEntry): Record<string, unknown> {
  return {
    kind: entry.kind,
    startTime: entry.startTime,
    message: entry.message,
    environment: entry.environment ?? {},
    config: {},
    result: entry.result,
    endTime: entry.endTime,
    version: entry.version,
    updateID: entry.updateId,
    user: entry.user,
    ...(entry.resourceCount === undefined ? {} : { resourceCount: entry.resourceCount }),
    ...(entry.resourceChanges === undefined ? {} : { resourceChanges: entry.resourceChanges }),
  };
}

function parseVersion(text: string | undefined): number {
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1) throw new CairnError("InvalidArgument", `version ${JSON.stringify(text)} is not a positive integer`);
  return version;
}

/** An import's `?message=`: one line of bounded length, checked before the body is read. */
function importMessage(text: string | null): string | undefined {
  if (text === null || text === "") return undefined;
  if (text.length > MAX_IMPORT_MESSAGE || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new CairnError("InvalidArgument", `an import's message must be one line of at most ${MAX_IMPORT_MESSAGE} characters`);
  }
  return text;
}

function decodeContinuation(token: string | null): string | undefined {
  if (token === null || token === "") return undefined;
  return Buffer.from(token, "base64url").toString("utf8");
}

function notFound(id: StackId): CairnError {
  return new CairnError("NotFound", `stack ${id.org}/${id.project}/${id.stack} does not exist`, { hint: "`cairn stack ls` lists stacks" });
}
