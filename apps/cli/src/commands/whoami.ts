import type { Command } from "commander";
import { isUnsafeStoreAllowed } from "@cairn/core";
import type { RunCommand } from "../main.js";
import { printJson } from "../output.js";

export function registerWhoami(program: Command, run: RunCommand): void {
  program
    .command("whoami")
    .description("Show the user of the current backend")
    .option("-v, --verbose", "also show the backend URL, organizations, where the credential came from, and any unsafe-store opt-in")
    .option("-j, --json", "print JSON: user, organizations, url")
    .action(
      run(async (context, flags: { verbose?: boolean; json?: boolean }) => {
        const url = await context.backendUrl();
        const backend = await context.openBackend(url);
        const user = await backend.currentUser();
        // Where the credential came from (an env var's name, a profile, a credential type), never the secret.
        const credentialSource = backend.credentialSource ?? user.token?.source;
        const unsafeStore = flags.verbose ? await isUnsafeStoreAllowed(context.home, url) : false;
        if (flags.json) {
          const verbose = flags.verbose ? { ...(credentialSource === undefined ? {} : { credentialSource }), unsafeStoreAllowed: unsafeStore } : {};
          return printJson(context.output, { user: user.name, organizations: user.organizations, url: backend.url, ...verbose });
        }
        if (!flags.verbose) return context.output.out(user.name);
        context.output.out(`User: ${user.name}`);
        context.output.out(`Organizations: ${user.organizations.join(", ")}`);
        context.output.out(`Backend URL: ${backend.url}`);
        context.output.out(`Credential source: ${credentialSource ?? "not reported by this backend"}`);
        if (unsafeStore) context.output.out("Unsafe store: allowed (cairn login --allow-unsafe-store): this store ignores preconditions, so locks do not exclude concurrent writers");
      }),
    );
}
