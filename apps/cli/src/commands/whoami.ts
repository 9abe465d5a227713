import type { Command } from "commander";
import type { RunCommand } from "../main.js";
import { printJson } from "../output.js";

export function registerWhoami(program: Command, run: RunCommand): void {
  program
    .command("whoami")
    .description("Show the user of the current backend")
    .option("-v, --verbose", "also show the backend URL and organizations")
    .option("-j, --json", "print JSON: user, organizations, url")
    .action(
      run(async (context, flags: { verbose?: boolean; json?: boolean }) => {
        const url = await context.backendUrl();
        const backend = await context.openBackend(url);
        const user = await backend.currentUser();
        if (flags.json) {
          return printJson(context.output, { user: user.name, organizations: user.organizations, url: backend.url });
        }
        if (!flags.verbose) return context.output.out(user.name);
        context.output.out(`User: ${user.name}`);
        context.output.out(`Organizations: ${user.organizations.join(", ")}`);
        context.output.out(`Backend URL: ${backend.url}`);
      }),
    );
}
