import { CairnError, isCairnError, type UntypedDeployment } from "@cairn/core";
import { requireRole, stackIdOf } from "../../access.js";
import { sendHtml } from "../../http/respond.js";
import type { Router, RouteContext } from "../../http/router.js";
import type { Services } from "../../services.js";
import { layoutRef, type StackId } from "../../state/org-state.js";
import type { HistoryEntry } from "../../updates/updates.js";
import { previewPage, stackPage, updatePage } from "../../web/console-pages.js";
import { signInFor } from "../../web/next-path.js";
import { redirect, sessionPrincipal, webRoute, type WebPrincipal } from "../../web/web-route.js";

/** Updates per page of a stack's history. */
const HISTORY_PAGE = 25;
/** How many history entries one lookup reads while searching for a version. */
const SCAN_PAGE = 100;
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
/** Update ids are UUIDs; anything else never names a record (and cannot reach into a key). */
const UPDATE_ID = /^[0-9A-Za-z-]{1,64}$/;

/**
 * The stack pages at the Pulumi console's paths, which the CLI prints when `PULUMI_CONSOLE_DOMAIN`
 * names this server: `pulumi stack`'s "More information at", an update's "View in Browser".
 */
export function addStackPages(router: Router, services: Services): void {
  /** Signed in (or sent to sign in and back) and a member of the organization (else 404, as the API). */
  const stackPageRoute = (render: (context: RouteContext, id: StackId, principal: WebPrincipal) => Promise<string>) =>
    webRoute(async (context) => {
      const principal = await sessionPrincipal(services, context.request);
      if (principal === undefined) return redirect(context.response, signInFor(context.request.url ?? "/"));
      const id = stackIdOf(context.params);
      await requireRole(services, principal, id.org, "read");
      sendHtml(context.response, 200, await render(context, id, principal));
    });

  router.add("GET", "/:org/:project/:stack", stackPageRoute(async ({ query }, id) => {
    const backend = services.state.backendFor(id.org);
    const summary = await backend.getStack(layoutRef(id));
    if (summary === undefined) throw stackNotFound(id);
    const page = Math.max(1, Number.parseInt(query.get("page") ?? "1", 10) || 1);
    const history = await services.updates.history(id, page, HISTORY_PAGE);
    // The entry just past this page (a page of one): whether an older page exists.
    const older = await services.updates.history(id, page * HISTORY_PAGE + 1, 1);
    const lease = await services.updates.leases.current(id);
    return stackPage({
      id,
      resourceCount: summary.resourceCount ?? 0,
      ...(summary.lastUpdate ? { lastUpdate: summary.lastUpdate } : {}),
      outputNames: outputNamesOf(await backend.exportDeployment(layoutRef(id))),
      ...(lease ? { running: { kind: lease.kind, user: lease.user, startedAt: lease.startedAt } } : {}),
      history,
      page,
      hasOlder: older.length > 0,
    });
  }));

  router.add("GET", "/:org/:project/:stack/updates/:version", stackPageRoute(async ({ params }, id) => {
    const version = Number(params.version);
    if (!Number.isInteger(version) || version < 1) throw new CairnError("NotFound", `${params.version} is not an update version (they count from 1)`);
    const entry = await findVersion(services, id, version);
    if (entry === undefined) {
      throw new CairnError("NotFound", `${id.org}/${id.project}/${id.stack} has no update ${version}`, { hint: "the stack's page lists its updates" });
    }
    return updatePage(id, entry);
  }));

  router.add("GET", "/:org/:project/:stack/previews/:updateId", stackPageRoute(async ({ params }, id) => {
    const updateId = params.updateId ?? "";
    const record = UPDATE_ID.test(updateId) ? await services.updates.get(id, updateId).catch((error: unknown) => {
      if (isCairnError(error, "NotFound")) return undefined;
      throw error;
    }) : undefined;
    if (record === undefined || record.kind !== "preview") {
      throw new CairnError("NotFound", `${id.org}/${id.project}/${id.stack} has no preview ${updateId}`, { hint: "previews are not part of a stack's update history" });
    }
    return previewPage(id, record);
  }));

}

/** History is kept newest first in pages; a version is found by reading pages until past it. */
async function findVersion(services: Services, id: StackId, version: number): Promise<HistoryEntry | undefined> {
  for (let page = 1; ; page++) {
    const entries = await services.updates.history(id, page, SCAN_PAGE);
    const found = entries.find((entry) => entry.version === version);
    if (found !== undefined) return found;
    const oldest = entries.at(-1);
    if (entries.length < SCAN_PAGE || oldest === undefined || oldest.version < version) return undefined;
  }
}

function outputNamesOf(deployment: UntypedDeployment): string[] {
  const resources = (deployment.deployment as { resources?: Array<{ type?: string; outputs?: Record<string, unknown> }> }).resources ?? [];
  const root = resources.find((resource) => resource.type === ROOT_STACK_TYPE);
  return Object.keys(root?.outputs ?? {}).sort();
}

function stackNotFound(id: StackId): CairnError {
  return new CairnError("NotFound", `stack ${id.org}/${id.project}/${id.stack} does not exist`);
}
