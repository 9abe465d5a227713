import { CairnError, validateDeployment } from "@cairn/core";
import { authenticate, credentialOf, requireRole, stackIdOf } from "../access.js";
import { noteAudit } from "../audit/request-audit.js";
import { checkBody } from "../http/json-shape.js";
import { readJsonBody, readJsonBodyAndBytes } from "../http/request-body.js";
import { rawJsonField } from "../checkpoints/raw-json-field.js";
import { sendJson } from "../http/respond.js";
import type { RouteContext, Router } from "../http/router.js";
import type { Services } from "../services.js";
import type { StackId } from "../state/org-state.js";
import type { UpdateResult } from "../updates/updates.js";
import { parseJournalEntries } from "../journal/entries.js";
import { checkTags, clientOf, stringMap } from "./request-fields.js";

/** Kinds a client may create through `POST …/{stack}/{kind}`. */
const CREATABLE_KINDS = new Set(["update", "preview", "destroy", "refresh"]);
const UPDATE_ID = /^[0-9A-Za-z-]{1,64}$/;
/** The Pulumi CLI's `User-Agent` (`pulumi-cli/1 (v3.274.1; linux; …)`): its version stamps a replayed snapshot's manifest. */
const PULUMI_USER_AGENT = /^pulumi-cli\/\d+ \((v?\d[0-9A-Za-z.+-]{0,40});/;
const RESULTS = new Set<UpdateResult>(["succeeded", "failed", "cancelled"]);

/** The update lifecycle: create, start (lease + update token), checkpoint, renew_lease, complete, cancel. */
export function addUpdateRoutes(router: Router, services: Services): void {
  const base = "/api/stacks/:org/:project/:stack/:kind";
  const kindAndStack = (params: Record<string, string>): StackId => {
    if (!CREATABLE_KINDS.has(params.kind ?? "")) throw new CairnError("NotFound", `unknown update kind ${JSON.stringify(params.kind)}`);
    // Update ids become record keys: only the server's own form (a UUID) gets that far.
    if (params.updateId !== undefined && !UPDATE_ID.test(params.updateId)) throw new CairnError("InvalidArgument", `${JSON.stringify(params.updateId)} is not an update id`);
    return stackIdOf(params);
  };
  /** Routes a running update calls with its update token instead of a user token. */
  const withUpdateToken = (handle: (context: RouteContext, id: StackId, updateId: string, token: string) => Promise<void>) => async (context: RouteContext) => {
    const id = kindAndStack(context.params);
    await handle(context, id, context.params.updateId ?? "", credentialOf(context.request, "update-token"));
  };

  // Pulumi's `UpdateProgramRequest`: only the metadata is kept (message, environment); the program
  // itself never leaves the client.
  router.add("POST", base, async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const id = kindAndStack(params);
    await requireRole(services, principal, id.org, "write");
    const body = checkBody<{ metadata?: { message?: unknown; environment?: unknown } }>((await readJsonBody(request, services.maxBodyBytes)) ?? {}, { metadata: "object?" }, "create update");
    const message = typeof body.metadata?.message === "string" ? body.metadata.message.slice(0, 1000) : "";
    const environment = stringMap(body.metadata?.environment);
    const updateId = await services.updates.create(id, params.kind as string, { ...clientOf(request.headers, principal.user.name), message, ...(environment === undefined ? {} : { environment }) });
    noteAudit({ target: { updateId }, details: { kind: params.kind as string } });
    sendJson(response, 200, { updateID: updateId, requiredPolicies: [] });
  });

  router.add("POST", `${base}/:updateId`, async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const id = kindAndStack(params);
    await requireRole(services, principal, id.org, "write");
    const body = checkBody<{ tags?: unknown; journalVersion?: number }>((await readJsonBody(request, services.maxBodyBytes)) ?? {}, { tags: "object?", journalVersion: "number?" }, "start update");
    const tags = body.tags === undefined || body.tags === null ? undefined : checkTags(body.tags);
    const journalVersion = Number.isInteger(body.journalVersion) && (body.journalVersion as number) > 0 ? (body.journalVersion as number) : 0;
    const engineVersion = PULUMI_USER_AGENT.exec(String(request.headers["user-agent"] ?? ""))?.[1];
    const started = await services.updates.start(id, params.updateId ?? "", principal.user.name, { ...(tags === undefined ? {} : { tags }), journalVersion, ...(engineVersion === undefined ? {} : { engineVersion }) });
    noteAudit({ details: { kind: params.kind as string, version: started.version } });
    sendJson(response, 200, started);
  });

  // The update's status, which `pulumi stack import` polls; the kind in the path does not matter
  // (Pulumi's client uses `update` for every kind).
  router.add("GET", `${base}/:updateId`, async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const id = kindAndStack(params);
    await requireRole(services, principal, id.org, "read");
    sendJson(response, 200, await services.updates.status(id, params.updateId ?? ""));
  });

  router.add("GET", `${base}/:updateId/events`, async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const id = kindAndStack(params);
    await requireRole(services, principal, id.org, "read");
    await services.updates.get(id, params.updateId ?? "");
    sendJson(response, 200, { events: await services.updates.events.list(id, params.updateId ?? "") });
  });

  router.add("PATCH", `${base}/:updateId/checkpoint`, withUpdateToken(async ({ request, response }, id, updateId, token) => {
    const body = checkBody<{ version: number; deployment: unknown }>(await readJsonBody(request, services.maxBodyBytes), { version: "number", deployment: "object", isInvalid: "boolean?" }, "checkpoint");
    const deployment = validateDeployment({ version: body.version, deployment: body.deployment });
    await services.updates.checkpoint(id, updateId, token, deployment);
    sendJson(response, 200, {});
  }));

  // A whole checkpoint as the client serialised it; its bytes are kept as the base for deltas.
  router.add("PATCH", `${base}/:updateId/checkpointverbatim`, withUpdateToken(async ({ request, response }, id, updateId, token) => {
    const { value, bytes } = await readJsonBodyAndBytes(request, services.maxBodyBytes);
    const body = checkBody<{ untypedDeployment: unknown; sequenceNumber?: number }>(value, { version: "number", untypedDeployment: "object", sequenceNumber: "number?" }, "checkpoint");
    await services.updates.checkpoint(id, updateId, token, validateDeployment(body.untypedDeployment));
    const raw = rawJsonField(bytes, "untypedDeployment");
    if (raw !== undefined && Number.isInteger(body.sequenceNumber)) services.deltaBases.remember(updateId, body.sequenceNumber as number, raw);
    sendJson(response, 200, {});
  }));

  // `delta-checkpoint-uploads-v2`: text edits against the previous checkpoint, checked by hash.
  router.add("PATCH", `${base}/:updateId/checkpointdelta`, withUpdateToken(async ({ request, response }, id, updateId, token) => {
    const body = checkBody<{ checkpointHash: string; sequenceNumber: number; deploymentDelta: unknown }>(
      await readJsonBody(request, services.maxBodyBytes),
      { version: "number", checkpointHash: "string", sequenceNumber: "number", deploymentDelta: "array" },
      "checkpoint delta",
    );
    await services.updates.verifyToken(id, updateId, token);
    const applied = services.deltaBases.apply(updateId, body.sequenceNumber, body.checkpointHash, body.deploymentDelta);
    if (applied !== undefined) {
      let deployment: unknown;
      try {
        deployment = JSON.parse(applied.toString("utf8"));
      } catch {
        throw new CairnError("InvalidArgument", "the delta checkpoint does not yield JSON");
      }
      await services.updates.checkpoint(id, updateId, token, validateDeployment(deployment));
    }
    sendJson(response, 200, {});
  }));

  // Journaling (Pulumi's `SaveJournalEntries`): answered only once the batch is stored durably.
  router.add("PATCH", `${base}/:updateId/journalentries`, withUpdateToken(async ({ request, response }, id, updateId, token) => {
    const entries = parseJournalEntries(await readJsonBody(request, services.maxBodyBytes));
    await services.updates.appendJournal(id, updateId, token, entries);
    sendJson(response, 200, {});
  }));

  router.add("POST", `${base}/:updateId/renew_lease`, withUpdateToken(async ({ request, response }, id, updateId, token) => {
    const body = checkBody<{ duration?: number }>((await readJsonBody(request, services.maxBodyBytes)) ?? {}, { duration: "number?", token: "string?" }, "renew lease");
    const seconds = body.duration ?? services.leaseMs / 1000;
    if (!(seconds > 0)) throw new CairnError("InvalidArgument", "duration must be a positive number of seconds");
    if ((await services.updates.verifyToken(id, updateId, token)).preview) {
      sendJson(response, 200, { token, tokenExpiration: Math.floor(Date.now() / 1000 + seconds) });
      return;
    }
    const renewed = await services.updates.renew(id, updateId, token, seconds * 1000);
    sendJson(response, 200, { token: renewed.token, tokenExpiration: renewed.tokenExpiration });
  }));

  router.add("POST", `${base}/:updateId/events/batch`, withUpdateToken(async ({ request, response }, id, updateId, token) => {
    const body = checkBody<{ events?: unknown }>(await readJsonBody(request, services.maxBodyBytes), { events: "array?" }, "events");
    await services.updates.verifyToken(id, updateId, token);
    await services.updates.events.record(id, updateId, body.events);
    sendJson(response, 200, {});
  }));

  router.add("POST", `${base}/:updateId/events`, withUpdateToken(async ({ request, response }, id, updateId, token) => {
    const event = await readJsonBody(request, services.maxBodyBytes);
    await services.updates.verifyToken(id, updateId, token);
    await services.updates.events.record(id, updateId, [event]);
    sendJson(response, 200, {});
  }));

  router.add("POST", `${base}/:updateId/complete`, withUpdateToken(async ({ request, response }, id, updateId, token) => {
    const body = checkBody<{ status: string }>(await readJsonBody(request, services.maxBodyBytes), { status: "string", outputs: "object?", secretsProviders: "object?" }, "complete update");
    if (!RESULTS.has(body.status as UpdateResult)) throw new CairnError("InvalidArgument", `status must be one of ${[...RESULTS].join(", ")}`);
    await services.updates.complete(id, updateId, token, body.status as UpdateResult);
    noteAudit({ details: { result: body.status } });
    services.deltaBases.forget(updateId);
    sendJson(response, 200, {});
  }));

  router.add("POST", `${base}/:updateId/cancel`, async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const id = kindAndStack(params);
    await requireRole(services, principal, id.org, "write");
    const lease = await services.updates.leases.current(id);
    if (lease?.updateId !== params.updateId) throw new CairnError("Conflict", `update ${params.updateId} is not running`, { hint: "`pulumi stack` shows the stack's current operation" });
    await services.updates.cancel(id);
    services.deltaBases.forget(params.updateId ?? "");
    sendJson(response, 200, {});
  });
}

