import type { Command } from "commander";
import { CairnError, type StateBackend } from "@cairn/core";
import type { RunCommand } from "../run-command.js";
import { printJson } from "../output.js";

/**
 * `cairn org get-default` / `set-default <name>`: the backend's default organization, kept where
 * `pulumi org set-default` keeps it (config.json in PULUMI_HOME, per backend URL), so both CLIs
 * agree. Self-managed stores have no organizations and refuse both, as Pulumi does.
 */
export function registerOrg(program: Command, run: RunCommand): void {
  const org = program.command("org").description("Manage the default organization of the current backend: get-default, set-default");

  org
    .command("get-default")
    .description("Print the current backend's default organization (PULUMI_DEFAULT_ORGANIZATION, else `org set-default`, else the server's)")
    .option("-j, --json", "print JSON: url, defaultOrg, source")
    .action(
      run(async (context, flags: { json?: boolean }) => {
        const backend = await context.openBackend(await context.backendUrl());
        const found = await organizations(backend, "get").defaultOrganization();
        if (flags.json) return printJson(context.output, { url: backend.url, defaultOrg: found.name, source: found.source });
        // Pulumi's words when neither the user nor the server names one (stacks then go to the user's own name).
        context.output.out(found.source === "user" ? "No Default Org Specified" : found.name);
      }),
    );

  org
    .command("set-default")
    .description("Set the current backend's default organization, for stack names given without one")
    .argument("<name>", "the organization")
    .option("-j, --json", "print JSON: url, defaultOrg, warning (when you are not a member)")
    .action(
      run(async (context, name: string, flags: { json?: boolean }) => {
        const backend = await context.openBackend(await context.backendUrl());
        const { setDefaultOrganization } = organizations(backend, "set");
        // Pulumi warns, and stores it anyway: membership may come later, or be a team's.
        const user = await backend.currentUser().catch(() => undefined);
        const warning =
          user !== undefined && name !== user.name && !user.organizations.includes(name)
            ? `you do not appear to be a member of organization "${name}"; commands that use the default organization may fail`
            : undefined;
        await setDefaultOrganization(name);
        if (flags.json) return printJson(context.output, { url: backend.url, defaultOrg: name, ...(warning === undefined ? {} : { warning }) });
        if (warning !== undefined) context.output.err(`warning: ${warning}`);
        context.output.out(`Default organization for ${backend.url} set to ${name}`);
      }),
    );
}

function organizations(backend: StateBackend, verb: "get" | "set"): Required<Pick<StateBackend, "defaultOrganization" | "setDefaultOrganization">> {
  const { defaultOrganization, setDefaultOrganization } = backend;
  if (defaultOrganization === undefined || setDefaultOrganization === undefined) {
    throw new CairnError("Unimplemented", `${backend.url} has no organizations, so no default organization to ${verb}`, {
      hint: "organizations exist on a state service (cairn-server, Pulumi Cloud); self-managed stores always use `organization`",
    });
  }
  return { defaultOrganization: defaultOrganization.bind(backend), setDefaultOrganization: setDefaultOrganization.bind(backend) };
}
