import { createHmac } from "node:crypto";
import { CairnError } from "@cairn/core";
import { authenticate, requireRole, stackIdOf } from "../access.js";
import { checkBody } from "../http/json-shape.js";
import { readJsonBody } from "../http/request-body.js";
import { sendJson } from "../http/respond.js";
import type { Router } from "../http/router.js";
import type { Services } from "../services.js";
import { open, seal } from "../state/aes-gcm.js";
import type { StackId } from "../state/org-state.js";

/**
 * The service-managed secrets provider (Pulumi's `service` provider): values are encrypted with a
 * key derived from the stack's data key, so they never leave the server in a form another stack
 * could decrypt. Bodies carry base64, as Pulumi's `EncryptValueRequest`/`DecryptValueRequest` do.
 */
export function addSecretsRoutes(router: Router, services: Services): void {
  const secretsKey = async (id: StackId) => createHmac("sha256", await services.dataKeys.keyFor(id.org, id.project, id.stack)).update("cairn-service-secrets").digest();
  const aad = (id: StackId) => `secrets:${id.org}/${id.project}/${id.stack}`;

  router.add("POST", "/api/stacks/:org/:project/:stack/encrypt", async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const id = stackIdOf(params);
    await requireRole(services, principal, id.org, "write");
    const body = checkBody<{ plaintext: string }>(await readJsonBody(request, services.maxBodyBytes), { plaintext: "string" }, "encrypt");
    const sealed = seal(await secretsKey(id), decodeBase64(body.plaintext, "plaintext"), aad(id));
    sendJson(response, 200, { ciphertext: sealed.toString("base64") });
  });

  router.add("POST", "/api/stacks/:org/:project/:stack/decrypt", async ({ request, response, params }) => {
    const principal = await authenticate(services, request);
    const id = stackIdOf(params);
    await requireRole(services, principal, id.org, "write");
    const body = checkBody<{ ciphertext: string }>(await readJsonBody(request, services.maxBodyBytes), { ciphertext: "string" }, "decrypt");
    let plaintext: Buffer;
    try {
      plaintext = open(await secretsKey(id), decodeBase64(body.ciphertext, "ciphertext"), aad(id));
    } catch (error) {
      throw new CairnError("InvalidArgument", "the ciphertext was not encrypted for this stack, or was modified", { cause: error });
    }
    sendJson(response, 200, { plaintext: plaintext.toString("base64") });
  });
}

function decodeBase64(text: string, field: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new CairnError("InvalidArgument", `${field} must be base64`);
  return Buffer.from(text, "base64");
}
