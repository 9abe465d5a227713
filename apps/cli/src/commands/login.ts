import type { Command } from "commander";
import { CairnError, createNoEchoPrompt } from "@cairn/core";
import type { RunCommand } from "../run-command.js";
import { machineName } from "../backend-url.js";
import { ALLOW_UNSAFE_STORE_FLAG, checkStorePreconditions } from "./login-probe.js";

/** `file://~`: the embedded default, as `pulumi login --local`. */
export const LOCAL_BACKEND_URL = "file://~";

export function registerLogin(program: Command, run: RunCommand): void {
  program
    .command("login")
    .description("Log in to a backend by URL (file://, s3://, azblob://, gs://, git+https://, https://…) and make it current")
    .argument("[url]", "backend URL; defaults to the project's backend.url, PULUMI_BACKEND_URL, or file://~")
    .option("-l, --local", "log in to the local file backend (file://~)")
    .option("-c, --cloud-url <url>", "backend URL (same as the argument)")
    .option("--non-interactive", "never prompt")
    .option("--browser", "log in through the service's web page without asking for a token (prints the URL on stderr)")
    .option(ALLOW_UNSAFE_STORE_FLAG, "use a store that ignores conditional writes (locks then exclude no one); remembered for this URL")
    .addHelpText("after", "\nExamples:\n  cairn login --local\n  cairn login file://./state\n  cairn login s3://my-bucket/prefix?region=eu-west-1")
    .action(
      run(async (context, urlArg: string | undefined, flags: { local?: boolean; cloudUrl?: string; nonInteractive?: boolean; allowUnsafeStore?: boolean; browser?: boolean }) => {
        const given = [urlArg, flags.cloudUrl, flags.local ? LOCAL_BACKEND_URL : undefined].filter((u) => u !== undefined);
        if (new Set(given).size > 1) {
          throw new CairnError("InvalidArgument", "give the backend URL once: as an argument, --cloud-url or --local");
        }
        const project = await context.project();
        const url = given[0] ?? context.env.PULUMI_BACKEND_URL ?? project?.backendUrl ?? LOCAL_BACKEND_URL;
        // Opening validates the URL, loads the plugin and checks the backend is reachable.
        const backend = await context.openBackend(url);
        // Backends with accounts (a state service) obtain and check their credential here: a token
        // from PULUMI_ACCESS_TOKEN or the stored one, else a prompt. Stores have no such step.
        const credential = await backend.login?.({
          interactive: context.output.interactive && !flags.nonInteractive,
          promptSecret: createNoEchoPrompt(),
          notify: (message) => context.output.err(message),
          ...(flags.browser ? { browser: true } : {}),
        });
        await backend.verify();
        await checkStorePreconditions(context, url, backend, Boolean(flags.allowUnsafeStore));
        const user = await backend.currentUser();
        // A backend with accounts (the service) is stored with its user, as Pulumi's httpstate
        // login does; a self-managed store as Pulumi's DIY login stores it: an empty account.
        const hasAccounts = backend.login !== undefined;
        await context.credentials.login(
          url,
          hasAccounts
            ? {
                ...(credential?.accessToken === undefined ? {} : { accessToken: credential.accessToken }),
                username: user.name,
                organizations: user.organizations,
              }
            : {},
        );
        // Pulumi's line: `be.Name()` is the machine's hostname for every self-managed store, the
        // service's URL otherwise.
        const name = hasAccounts ? backend.url : machineName();
        context.output.out(user.name === "" ? `Logged in to ${name} (${backend.url})` : `Logged in to ${name} as ${user.name} (${backend.url})`);
      }),
    );
}
