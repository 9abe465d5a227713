import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  urnParts,
  CairnError,
  isBrokenStackError,
  encryptDeploymentSecrets,
  parseJsonOr,
  hasEncryptedSecrets,
  hasPlaintextSecrets,
  PASSPHRASE_PROVIDER_TYPE,
  validateDeployment,
  verifyDeploymentSecrets,
  type StackRef,
  type UntypedDeployment,
} from "@cairn/core";
import { fsError } from "@cairn/core/driver";
import type { RunCommand } from "../../run-command.js";
import { stackNames } from "../../stack-display.js";
import { openStackSecrets } from "../../stack-secrets.js";

export function registerStackImport(stack: Command, run: RunCommand): void {
  stack
    .command("import")
    .description("Replace the stack's deployment with one from a file or stdin (Pulumi's `stack export` format)")
    .option("-s, --stack <stack>", "the stack to import into; defaults to the selected stack")
    .option("--file <path>", "read from this file instead of stdin")
    .option("-f, --force", "import even if the resources' URNs name another stack or project, or the stack's file is broken (it is replaced)")
    .option("--non-interactive", "never prompt for a passphrase")
    .action(
      run(async (context, flags: { stack?: string; file?: string; force?: boolean; nonInteractive?: boolean }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const source = flags.file === undefined ? "stdin" : flags.file;
        const text = flags.file === undefined ? await readStdin() : await readFile(resolve(context.cwd, flags.file), "utf8").catch((error: unknown) => {
          throw fsError(error, "read", source);
        });
        let deployment = validateDeployment(parseJson(text, source));
        const backend = await context.openBackend(url);
        const label = (await stackNames(backend, undefined)).qualified(ref);
        if (!flags.force) checkUrnsBelongTo(deployment, ref, label);
        if (hasEncryptedSecrets(deployment) && providerType(deployment) === PASSPHRASE_PROVIDER_TYPE) {
          // As Pulumi's import, which decrypts the file with the stack's provider: ciphertext that
          // does not open (garbage, or sealed by another passphrase) is refused before any write.
          // Other providers' ciphertext cannot be opened here and is stored as given.
          const secrets = await openStackSecrets(context, ref, deployment, { nonInteractive: Boolean(flags.nonInteractive) });
          await verifyDeploymentSecrets(deployment, secrets);
        }
        if (hasPlaintextSecrets(deployment)) {
          // Plaintext (from `export --show-secrets`) is sealed with the stack's own provider before
          // anything is written; the stack's current state says which provider that is.
          // A broken stack (replaced with --force) has no readable state: the salt comes from its config file.
          const current = await backend.exportDeployment(ref).catch((error: unknown) => {
            if (flags.force && isBrokenStackError(error)) return undefined;
            throw error;
          });
          const secrets = await openStackSecrets(context, ref, current, { nonInteractive: Boolean(flags.nonInteractive) });
          deployment = await encryptDeploymentSecrets(deployment, secrets);
        }
        await backend.importDeployment(ref, deployment, { kind: "import", replaceBroken: Boolean(flags.force) });
        context.output.out(`Import complete: ${label}`);
      }),
    );
}

/** A `--show-secrets` export holds plaintext secrets: the error says where the fault is, never what the text is. */
function parseJson(text: string, source: string): unknown {
  return parseJsonOr(text, (problem) => {
    throw new CairnError("InvalidArgument", `${source} is not valid JSON: ${problem}`, {
      hint: "import expects the output of `cairn stack export` or `pulumi stack export`",
    });
  });
}

/**
 * URNs are `urn:pulumi:<stack>::<project>::…`; importing another stack's resources is usually a
 * mistake. Like Pulumi, every such resource is named, and `--force` is the way on.
 */
function checkUrnsBelongTo(deployment: UntypedDeployment, ref: StackRef, label: string): void {
  const resources = (deployment.deployment as { resources?: Array<{ urn?: unknown }> } | null)?.resources ?? [];
  const problems: string[] = [];
  for (const resource of resources) {
    const parts = typeof resource.urn === "string" ? urnParts(resource.urn) : undefined;
    if (parts === undefined) continue;
    const { stack: stackName, project: projectName } = parts;
    if (stackName !== ref.name) problems.push(`resource '${resource.urn}' is from a different stack (${stackName} != ${ref.name})`);
    else if (ref.project !== undefined && projectName !== ref.project) problems.push(`resource '${resource.urn}' is from a different project (${projectName} != ${ref.project})`);
  }
  if (problems.length === 0) return;
  throw new CairnError("InvalidArgument", `cannot import into ${label}:\n${problems.map((problem) => `    ${problem}`).join("\n")}`, {
    hint: "importing this file could be dangerous; import into the stack it came from, or rerun with --force to proceed anyway",
  });
}

function providerType(deployment: UntypedDeployment): unknown {
  return (deployment.deployment as { secrets_providers?: { type?: unknown } } | null)?.secrets_providers?.type;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
