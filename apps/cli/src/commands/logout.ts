import type { Command } from "commander";
import { CairnError } from "@cairn/core";
import type { RunCommand } from "../run-command.js";
import { LOCAL_BACKEND_URL } from "./login.js";

/** Where Pulumi logs out of when no backend is in effect (`httpstate.ValueOrDefaultURL`). */
const PULUMI_CLOUD_URL = "https://api.pulumi.com";

export function registerLogout(program: Command, run: RunCommand): void {
  program
    .command("logout")
    .description("Log out of a backend: forget its stored credential (the state itself is untouched)")
    .argument("[url]", "backend URL; defaults to the current backend")
    .option("--all", "log out of every backend")
    .option("-l, --local", "log out of the local file backend (file://~)")
    .option("-f, --force", "accepted for compatibility: logging out of a backend you are not logged in to always succeeds")
    .option("--non-interactive", "never prompt")
    .option("-c, --cloud-url <url>", "deprecated: pass the URL as an argument")
    .action(
      run(async (context, urlArg: string | undefined, flags: { all?: boolean; local?: boolean; force?: boolean; cloudUrl?: string }) => {
        if (flags.cloudUrl !== undefined) context.output.err("warning: --cloud-url is deprecated; pass the URL as an argument");
        const given = [urlArg, flags.cloudUrl, flags.local ? LOCAL_BACKEND_URL : undefined].filter((u) => u !== undefined);
        if (new Set(given).size > 1) throw new CairnError("InvalidArgument", "give the backend once: as an argument, --cloud-url or --local");
        const named = given[0];
        if (flags.all) {
          if (named !== undefined) throw new CairnError("InvalidArgument", "--all logs out of every backend; do not also name one");
          // As `pulumi logout --all`: credentials.json is removed, whatever it held.
          await context.credentials.logoutAll();
          context.output.out("Logged out of everything");
          return;
        }
        // The backend in effect, in Pulumi's order; with none, Pulumi's default (its cloud).
        const url = named ?? (await context.backendUrlOrUndefined()) ?? PULUMI_CLOUD_URL;
        const credentials = await context.credentials.read();
        const loggedIn = url in (credentials.accounts ?? {}) || url in (credentials.accessTokens ?? {}) || credentials.current === url;
        // Like Pulumi, logging out of a backend one is not logged in to succeeds and changes nothing.
        if (loggedIn) await context.credentials.logout(url);
        context.output.out(`Logged out of ${url}`);
      }),
    );
}
