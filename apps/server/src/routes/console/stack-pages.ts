import { CairnError, isCairnError } from "@cairn/core";
import { requireRole, stackIdOf } from "../../access.js";
import { allows } from "../../accounts/roles.js";
import { sendHtml } from "../../http/respond.js";
import type { Router, RouteContext } from "../../http/router.js";
import type { Services } from "../../services.js";
import { layoutRef, type StackId } from "../../state/org-state.js";
import type { HistoryEntry } from "../../updates/updates.js";
import type { RevealedOutputs } from "../../web/pages/outputs.js";
import { updatePath } from "../../web/pages/paths.js";
import type { TreeResource } from "../../web/pages/resource-tree.js";
import { stackPage } from "../../web/pages/stack-page.js";
import { previewPage, updatePage } from "../../web/pages/update-page.js";
import { sessionForm, sessionPage } from "../../web/session-routes.js";
import { redirect, type WebPrincipal } from "../../web/web-route.js";
import { revealOutputs } from "./reveal-outputs.js";

/** Updates per page of a stack's history. */
const HISTORY_PAGE = 25;
/** How many history entries one lookup reads while searching for a version. */
const SCAN_PAGE = 100;
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
/** Update ids are UUIDs; anything else never names a record (and cannot reach into a key). */
const UPDATE_ID = /^[0-9A-Za-z-]{1,64}$/;
const MAX_QUERY_LENGTH = 200;

/**
 * The stack pages at the Pulumi console's paths, which the CLI prints when `PULUMI_CONSOLE_DOMAIN`
 * names this server: `pulumi stack`'s "More information at", an update's "View in Browser".
 * Reading needs any role in the organization (a non-member gets the API's 404); revealing secrets
 * and restoring a version need `member` or `admin` (write), checked again on each POST.
 */
export function addStackPages(router: Router, services: Services): void {
  const stackPageRoute = (render: (context: RouteContext, id: StackId, principal: WebPrincipal, canWrite: boolean) => Promise<string>) =>
    sessionPage(services, async (context, principal) => {
      const id = stackIdOf(context.params);
      const role = await requireRole(services, principal, id.org, "read");
      return render(context, id, principal, allows(role, "write"));
    });

  router.add("GET", "/:org/:project/:stack", stackPageRoute(async ({ query }, id, principal, canWrite) => {
    return renderStack(services, id, principal, canWrite, { query: queryText(query.get("q")), page: pageOf(query.get("page")) });
  }));

  // The reveal is a POST answered with the page itself: decrypted values are never in a URL, a
  // redirect or a cache (every page is `no-store`), and reloading shows them masked again.
  router.add("POST", "/:org/:project/:stack/reveal-secrets", sessionForm(services, async ({ params, response }, principal, form) => {
    const id = stackIdOf(params);
    await requireRole(services, principal, id.org, "write");
    const html = await renderStack(services, id, principal, true, { query: queryText(form.get("q")), page: 1, reveal: true });
    sendHtml(response, 200, html);
  }));

  router.add("GET", "/:org/:project/:stack/updates/:version", stackPageRoute(async ({ params, query }, id, principal, canWrite) => {
    const entry = await requireVersion(services, id, params.version);
    const events = await services.updates.events.list(id, entry.updateId);
    const changes = entry.resourceChanges ?? (await services.updates.events.resourceChanges(id, entry.updateId));
    return updatePage({
      principal,
      id,
      entry,
      ...(changes === undefined ? {} : { changes }),
      events,
      eventsPage: pageOf(query.get("page")),
      canRestore: canWrite && entry.layoutVersion !== undefined,
    });
  }));

  // Roll forward: the version's state becomes a new update; the browser is sent to its page.
  router.add("POST", "/:org/:project/:stack/updates/:version/restore", sessionForm(services, async ({ params, response }, principal) => {
    const id = stackIdOf(params);
    await requireRole(services, principal, id.org, "write");
    const entry = await requireVersion(services, id, params.version);
    const restored = await services.updates.restoreVersion(id, entry.version, { user: principal.user.name, hostname: "cairn-console", pid: 0 });
    redirect(response, updatePath(id, restored.version));
  }));

  router.add("GET", "/:org/:project/:stack/previews/:updateId", stackPageRoute(async ({ params }, id, principal) => {
    const updateId = params.updateId ?? "";
    const record = UPDATE_ID.test(updateId) ? await services.updates.get(id, updateId).catch((error: unknown) => {
      if (isCairnError(error, "NotFound")) return undefined;
      throw error;
    }) : undefined;
    if (record === undefined || record.kind !== "preview") {
      throw new CairnError("NotFound", `${id.org}/${id.project}/${id.stack} has no preview ${updateId}`, { hint: "previews are not part of a stack's update history" });
    }
    return previewPage(principal, id, record);
  }));
}

/** The stack page's reads, side by side: summary, state, tags, lease and one page of history. */
async function renderStack(services: Services, id: StackId, principal: WebPrincipal, canWrite: boolean, options: { query: string; page: number; reveal?: boolean }): Promise<string> {
  const backend = services.state.backendFor(id.org);
  const summary = await backend.getStack(layoutRef(id));
  if (summary === undefined) throw new CairnError("NotFound", `stack ${id.org}/${id.project}/${id.stack} does not exist`);
  // A stack whose file cannot be read is still shown (its history, tags), with what is wrong.
  const [deployment, tags, lease, history, older, newest] = await Promise.all([
    summary.broken === undefined ? backend.exportDeployment(layoutRef(id)) : Promise.resolve({ version: 3, deployment: {} }),
    backend.getStackTags?.(layoutRef(id)) ?? Promise.resolve({}),
    services.updates.leases.current(id),
    services.updates.history(id, options.page, HISTORY_PAGE),
    // The entry just past this page (a page of one): whether an older page exists.
    services.updates.history(id, options.page * HISTORY_PAGE + 1, 1),
    // The last update's time, as the lists show it (the state's own time is the engine's clock).
    options.page === 1 ? Promise.resolve([]) : services.updates.history(id, 1, 1),
  ]);
  const last = (options.page === 1 ? history : newest)[0];
  const lastUpdate = last !== undefined ? new Date((last.endTime || last.startTime) * 1000) : summary.lastUpdate;
  const state = deployment.deployment as { resources?: Array<TreeResource & { outputs?: Record<string, unknown> }>; secrets_providers?: { type?: string } };
  const resources = state.resources ?? [];
  const outputs = resources.find((resource) => resource.type === ROOT_STACK_TYPE)?.outputs ?? {};
  let revealed: RevealedOutputs | undefined;
  if (options.reveal) revealed = await revealOutputs(services, id, outputs, state.secrets_providers?.type);
  return stackPage({
    principal,
    id,
    resourceCount: summary.resourceCount ?? 0,
    ...(lastUpdate ? { lastUpdate } : {}),
    ...(summary.broken ? { broken: { reason: summary.broken.reason, hint: summary.broken.hint } } : {}),
    ...(lease ? { running: { kind: lease.kind, user: lease.user, startedAt: lease.startedAt } } : {}),
    tags,
    outputs,
    ...(revealed ? { revealed } : {}),
    canWrite,
    resources,
    query: options.query,
    history,
    page: options.page,
    hasOlder: older.length > 0,
  });
}

async function requireVersion(services: Services, id: StackId, text: string | undefined): Promise<HistoryEntry> {
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1) throw new CairnError("NotFound", `${text} is not an update version (they count from 1)`);
  const entry = await findVersion(services, id, version);
  if (entry === undefined) throw new CairnError("NotFound", `${id.org}/${id.project}/${id.stack} has no update ${version}`, { hint: "the stack's page lists its updates" });
  return entry;
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

function pageOf(text: string | null): number {
  return Math.max(1, Number.parseInt(text ?? "1", 10) || 1);
}

function queryText(text: string | null): string {
  const query = (text ?? "").trim();
  if (query.length > MAX_QUERY_LENGTH) throw new CairnError("InvalidArgument", `the resource search is longer than ${MAX_QUERY_LENGTH} characters`);
  return query;
}
