import { isRfc3339 } from "./go-field-types.js";
import { checkShape, checkResources } from "./resource-list.js";
import { isObject } from "./migrate.js";
import { invalidDeployment, joinPath } from "./validation-error.js";

/**
 * Checks the body of a deployment (`DeploymentV1`–`DeploymentV3` in
 * `sdk/go/common/apitype/core.go`) for what cairn reads and what would stop Pulumi reading it. Any
 * other field — `metadata`, `extensions`, `snippets`' contents, fields a newer Pulumi adds — is
 * accepted and left exactly as it is: the caller stores this same object, so nothing is copied.
 * `null` for any struct field is what Go writes for "absent", so it is accepted everywhere.
 * `base` is the body's JSON path (`deployment`, or `checkpoint.latest` in a stack file).
 */
export function checkDeploymentBody(body: Record<string, unknown>, base: string): void {
  checkManifest(body.manifest, joinPath(base, "manifest"));

  const secretsProviders = body.secrets_providers;
  if (secretsProviders !== undefined && secretsProviders !== null) {
    // The type picks the secrets manager that decrypts every secret in the state.
    if (!isObject(secretsProviders) || typeof secretsProviders.type !== "string") {
      throw invalidDeployment(
        joinPath(base, "secrets_providers", ...(isObject(secretsProviders) ? ["type"] : [])),
        isObject(secretsProviders) ? "must be string (the secrets provider's type, e.g. passphrase)" : "must be an object with a string `type`",
        "restore `secrets_providers` from the exported state, or remove it if the state holds no encrypted secrets",
      );
    }
  }

  const resources = body.resources;
  if (resources !== undefined && resources !== null) {
    if (!Array.isArray(resources)) throw invalidDeployment(joinPath(base, "resources"), "must be an array of resources", "make `resources` a list, or remove it for an empty stack");
    checkResources(resources, base);
  }

  const operations = body.pending_operations;
  if (operations !== undefined && operations !== null) {
    if (!Array.isArray(operations)) throw invalidDeployment(joinPath(base, "pending_operations"), "must be an array", "make `pending_operations` a list, or remove it");
    operations.forEach((operation, index) => {
      const at = joinPath(base, "pending_operations", index);
      if (!isObject(operation)) throw invalidDeployment(at, "must be an object (a pending operation)", "remove the entry");
      // Pulumi's integrity check does not cover these; a resource here only has to be readable.
      if (isObject(operation.resource)) checkShape(operation.resource, (...segments) => joinPath(at, "resource", ...segments));
      else if (operation.resource !== undefined && operation.resource !== null) throw invalidDeployment(joinPath(at, "resource"), "must be an object (a resource)", "remove the entry");
    });
  }

  checkSnippets(body.snippets, joinPath(base, "snippets"));
}

/** Go reads `manifest.time` as a `time.Time`: anything but an RFC 3339 string fails the state. */
function checkManifest(manifest: unknown, at: string): void {
  if (manifest === undefined || manifest === null) return;
  if (!isObject(manifest)) throw invalidDeployment(at, "must be an object (time, magic, version)", "restore the manifest from the exported state");
  const { time, magic, version } = manifest;
  if (time !== undefined && time !== null && !isRfc3339(time)) {
    throw invalidDeployment(joinPath(at, "time"), "must be an RFC 3339 date-time string", "restore the manifest from the exported state");
  }
  for (const [field, value] of [["magic", magic], ["version", version]] as const) {
    if (value !== undefined && value !== null && typeof value !== "string") throw invalidDeployment(joinPath(at, field), "must be string", "restore the manifest from the exported state");
  }
}

/** Pulumi's integrity check also needs each snippet to have a `uuid`, unique in the deployment. */
function checkSnippets(snippets: unknown, at: string): void {
  if (snippets === undefined || snippets === null) return;
  if (!Array.isArray(snippets)) throw invalidDeployment(at, "must be an array", "restore `snippets` from the exported state");
  const uuids = new Map<string, number>();
  snippets.forEach((snippet, index) => {
    const uuid = isObject(snippet) ? snippet.uuid : undefined;
    if (typeof uuid !== "string" || uuid === "") throw invalidDeployment(joinPath(at, index, "uuid"), "is required (a non-empty string)", "restore the snippet from the exported state");
    const first = uuids.get(uuid);
    if (first !== undefined) throw invalidDeployment(joinPath(at, index, "uuid"), `duplicate snippet uuid ${JSON.stringify(uuid)} (also at ${joinPath(at, first)})`, "remove the duplicate snippet");
    uuids.set(uuid, index);
  });
}
