import type { Command } from "commander";
import { resolve } from "node:path";
import { decryptDeploymentSecrets, formatJson, hasEncryptedSecrets } from "@cairn/core";
import { writeFileAtomic, fsError } from "@cairn/core/driver";
import type { RunCommand } from "../../run-command.js";
import { openStackSecrets } from "../../stack-secrets.js";
import { integerFlag } from "../../integer-flag.js";

export function registerStackExport(stack: Command, run: RunCommand): void {
  stack
    .command("export")
    .description("Export the stack's deployment (Pulumi's `stack export` format)")
    .option("-s, --stack <stack>", "the stack to export; defaults to the selected stack")
    .option("--file <path>", "write to this file (atomically) instead of stdout")
    .option("--show-secrets", "decrypt secret values to plaintext (needs the stack's passphrase)")
    .option("--non-interactive", "never prompt for a passphrase")
    .option("--version <n>", "export the deployment as it stood after this update (`cairn stack history` numbers them, 1 = oldest)", integerFlag("--version", 1, Number.MAX_SAFE_INTEGER, "give an update number from `cairn stack history` (1 = the oldest update)"))
    .action(
      run(async (context, flags: { stack?: string; file?: string; showSecrets?: boolean; nonInteractive?: boolean; version?: number }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        let deployment = await backend.exportDeployment(ref, flags.version === undefined ? {} : { version: flags.version });
        if (flags.showSecrets && hasEncryptedSecrets(deployment)) {
          const secrets = await openStackSecrets(context, ref, deployment, { nonInteractive: Boolean(flags.nonInteractive) });
          deployment = await decryptDeploymentSecrets(deployment, secrets);
        }
        const text = formatJson(deployment);
        const file = flags.file;
        if (file === undefined) return context.output.out(text);
        await writeFileAtomic(resolve(context.cwd, file), text, { mode: flags.showSecrets ? 0o600 : 0o644 }).catch((error: unknown) => {
          throw fsError(error, "write", file);
        });
        context.output.err(`Exported stack to ${flags.file}`);
      }),
    );
}

