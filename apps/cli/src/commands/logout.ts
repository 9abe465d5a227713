import type { Command } from "commander";
import { CairnError } from "@cairn/core";
import type { RunCommand } from "../main.js";
import { LOCAL_BACKEND_URL } from "./login.js";

export function registerLogout(program: Command, run: RunCommand): void {
  program
    .command("logout")
    .description("Log out of a backend: forget its stored credential (the state itself is untouched)")
    .argument("[url]", "backend URL; defaults to the current backend")
    .option("--all", "log out of every backend")
    .option("-l, --local", "log out of the local file backend (file://~)")
    .option("-f, --force", "succeed even if not logged in to that backend")
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
          const removed = await context.credentials.logoutAll();
          context.output.out(removed.length === 0 ? "Not logged in to any backend" : `Logged out of ${removed.length} backend(s)`);
          return;
        }
        const credentials = await context.credentials.read();
        const url = named ?? context.env.PULUMI_BACKEND_URL ?? credentials.current;
        if (url === undefined) {
          if (flags.force) return context.output.out("Not logged in to any backend");
          throw new CairnError("NotFound", "you are not logged in to any backend", { hint: "nothing to do; --force makes this succeed" });
        }
        const loggedIn = url in (credentials.accounts ?? {}) || url in (credentials.accessTokens ?? {}) || credentials.current === url;
        if (!loggedIn) {
          if (flags.force) return context.output.out(`Not logged in to ${url}`);
          throw new CairnError("NotFound", `you are not logged in to ${url}`, {
            hint: "`cairn whoami -v` shows the current backend; --force makes this succeed anyway",
          });
        }
        await context.credentials.logout(url);
        context.output.out(`Logged out of ${url}`);
      }),
    );
}
