import type { Command } from "commander";
import { isUnsafeStoreAllowed, type UserInfo } from "@cairn/core";
import { redactUrl } from "@cairn/core/driver";
import type { RunCommand } from "../run-command.js";
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
          // Pulumi's `whoAmIJSON` (user, organizations when any, url, tokenInformation when any),
          // then cairn's own keys.
          const verbose = flags.verbose ? { ...(credentialSource === undefined ? {} : { credentialSource }), unsafeStoreAllowed: unsafeStore } : {};
          return printJson(context.output, {
            user: user.name,
            ...(user.organizations.length > 0 ? { organizations: user.organizations } : {}),
            url: redactUrl(backend.url),
            ...(user.tokenInformation === undefined ? {} : { tokenInformation: user.tokenInformation }),
            ...verbose,
          });
        }
        if (!flags.verbose) return context.output.out(user.name);
        // Pulumi's lines, in its order (`cmd/pulumi/whoami`), then cairn's.
        context.output.out(`Access token source: ${accessTokenSource(user)}`);
        context.output.out(`User: ${user.name}`);
        context.output.out(`Organizations: ${user.organizations.join(", ")}`);
        context.output.out(`Backend URL: ${redactUrl(backend.url)}`);
        const info = user.tokenInformation;
        if (info === undefined) {
          context.output.out("Token type: personal");
        } else {
          context.output.out(`Token type: ${info.team ? `team: ${info.team}` : info.organization ? `organization: ${info.organization}` : "unknown"}`);
          context.output.out(`Token name: ${info.name}`);
        }
        context.output.out(`Credential source: ${credentialSource ?? "not reported by this backend"}`);
        if (unsafeStore) context.output.out("Unsafe store: allowed (cairn login --allow-unsafe-store): this store ignores preconditions, so locks do not exclude concurrent writers");
      }),
    );
}

/**
 * Pulumi's `Access token source:` value: `none` for self-managed backends (no token), else
 * `PULUMI_ACCESS_TOKEN` when the token came from the environment, `stored account` otherwise.
 */
function accessTokenSource(user: UserInfo): string {
  if (user.token === undefined) return "none";
  return user.token.source === "env:PULUMI_ACCESS_TOKEN" ? "PULUMI_ACCESS_TOKEN" : "stored account";
}
