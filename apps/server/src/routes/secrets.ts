import { CairnError } from "@cairn/core";
import { authenticate, requireRole, stackIdOf } from "../access.js";
import { checkBody } from "../http/json-shape.js";
import { readJsonBody } from "../http/request-body.js";
import { sendJson } from "../http/respond.js";
import type { RouteContext, Router } from "../http/router.js";
import type { Services } from "../services.js";
import type { StackId } from "../state/org-state.js";
import { openServiceSecret, sealServiceSecret, serviceSecretsKey } from "../state/service-secrets.js";

/** Most values one batch call may carry: a stack with more secrets than this sends several batches. */
const MAX_BATCH = 10_000;

/**
 * The service-managed secrets provider (Pulumi's `service` provider): values are encrypted with a
 * key derived from the stack's data key, so they never leave the server in a form another stack
 * could decrypt. Bodies carry base64 (Go's `[]byte` in JSON), as Pulumi's `EncryptValueRequest`,
 * `DecryptValueRequest` and their `batch-` forms do.
 */
export function addSecretsRoutes(router: Router, services: Services): void {
  const secretsKey = (id: StackId) => serviceSecretsKey(services.dataKeys, id);
  const decrypt = openServiceSecret;
  const secretsRoute = (suffix: string, handle: (context: RouteContext, id: StackId, key: Buffer) => Promise<void>) =>
    router.add("POST", `/api/stacks/:org/:project/:stack/${suffix}`, async (context) => {
      const principal = await authenticate(services, context.request);
      const id = stackIdOf(context.params);
      await requireRole(services, principal, id.org, "write");
      await handle(context, id, await secretsKey(id));
    });

  secretsRoute("encrypt", async ({ request, response }, id, key) => {
    const body = checkBody<{ plaintext: string }>(await readJsonBody(request, services.maxBodyBytes), { plaintext: "string" }, "encrypt");
    sendJson(response, 200, { ciphertext: sealServiceSecret(key, id, decodeBase64(body.plaintext, "plaintext")).toString("base64") });
  });

  secretsRoute("decrypt", async ({ request, response }, id, key) => {
    const body = checkBody<{ ciphertext: string }>(await readJsonBody(request, services.maxBodyBytes), { ciphertext: "string" }, "decrypt");
    sendJson(response, 200, { plaintext: decrypt(key, id, body.ciphertext).toString("base64") });
  });

  secretsRoute("batch-encrypt", async ({ request, response }, id, key) => {
    const body = checkBody<{ plaintexts: unknown }>(await readJsonBody(request, services.maxBodyBytes), { plaintexts: "array?" }, "batch-encrypt");
    const plaintexts = stringList(body.plaintexts, "plaintexts");
    sendJson(response, 200, { ciphertexts: plaintexts.map((text) => sealServiceSecret(key, id, decodeBase64(text, "plaintext")).toString("base64")) });
  });

  // Pulumi's `BatchDecryptResponse`: plaintexts keyed by the base64 ciphertext they came from.
  secretsRoute("batch-decrypt", async ({ request, response }, id, key) => {
    const body = checkBody<{ ciphertexts: unknown }>(await readJsonBody(request, services.maxBodyBytes), { ciphertexts: "array?" }, "batch-decrypt");
    const plaintexts: Record<string, string> = {};
    for (const ciphertext of stringList(body.ciphertexts, "ciphertexts")) plaintexts[ciphertext] = decrypt(key, id, ciphertext).toString("base64");
    sendJson(response, 200, { plaintexts });
  });

  // The CLI reports decryptions by a third-party provider (e.g. a passphrase stack on this service);
  // the service has nothing to decrypt, so the report is acknowledged and not kept.
  for (const suffix of ["decrypt/log-decryption", "decrypt/log-batch-decryption"]) {
    secretsRoute(suffix, async ({ request, response }) => {
      checkBody((await readJsonBody(request, services.maxBodyBytes)) ?? {}, { secretName: "string?", commandName: "string?" }, "log decryption");
      sendJson(response, 200, {});
    });
  }
}

function stringList(value: unknown, field: string): string[] {
  if (value === null || value === undefined) return []; // Go marshals a slice it never allocated as null
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) throw new CairnError("InvalidArgument", `${field} must be a list of base64 strings`);
  if (value.length > MAX_BATCH) throw new CairnError("InvalidArgument", `${field} has ${value.length} values; at most ${MAX_BATCH} per call`);
  return value;
}

function decodeBase64(text: string, field: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new CairnError("InvalidArgument", `${field} must be base64`);
  return Buffer.from(text, "base64");
}
