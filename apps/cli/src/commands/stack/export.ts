import type { Command } from "commander";
import { resolve } from "node:path";
import { formatJson, writeFileAtomic } from "@cairn/core";
import type { RunCommand } from "../../main.js";
import { refuseShowSecretsWithCiphertext } from "../../secrets-guard.js";

export function registerStackExport(stack: Command, run: RunCommand): void {
  stack
    .command("export")
    .description("Export the stack's deployment (Pulumi's `stack export` format)")
    .option("-s, --stack <stack>", "the stack to export; defaults to the selected stack")
    .option("--file <path>", "write to this file (atomically) instead of stdout")
    .option("--show-secrets", "include secret values in plaintext")
    .action(
      run(async (context, flags: { stack?: string; file?: string; showSecrets?: boolean }) => {
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const backend = await context.openBackend(url);
        const deployment = await backend.exportDeployment(ref);
        if (flags.showSecrets) refuseShowSecretsWithCiphertext(deployment);
        const text = `${formatJson(deployment)}\n`;
        if (flags.file === undefined) return context.output.out(text);
        await writeFileAtomic(resolve(context.cwd, flags.file), text);
        context.output.err(`Exported stack to ${flags.file}`);
      }),
    );
}
